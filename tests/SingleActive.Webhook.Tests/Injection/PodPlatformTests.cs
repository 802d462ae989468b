using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>Which pods can only run on Windows nodes, one row per way a manifest says it.</summary>
public class PodPlatformTests
{
    private static string Affinity(string terms) =>
        "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[" + terms + "]}}}";

    private static string Os(string op, string values = "") =>
        "{\"matchExpressions\":[{\"key\":\"kubernetes.io/os\",\"operator\":\"" + op + "\"" + (values.Length > 0 ? ",\"values\":[" + values + "]" : "") + "}]}";

    public static TheoryData<string, string, string?> Rows => new()
    {
        // name, extra spec, expected fragment (null: may run on Linux)
        { "nothing said", "", null },
        { "spec.os linux", "\"os\":{\"name\":\"linux\"}", null },
        { "spec.os windows", "\"os\":{\"name\":\"windows\"}", "spec.os.name is \"windows\"" },
        { "node selector linux", "\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"}", null },
        { "node selector windows", "\"nodeSelector\":{\"kubernetes.io/os\":\"windows\"}", "nodeSelector requires kubernetes.io/os=windows" },
        { "beta node selector windows", "\"nodeSelector\":{\"beta.kubernetes.io/os\":\"windows\"}", "nodeSelector requires beta.kubernetes.io/os=windows" },
        { "other node selector", "\"nodeSelector\":{\"disktype\":\"ssd\"}", null },
        { "affinity In windows", Affinity(Os("In", "\"windows\"")), "required node affinity admits no node with kubernetes.io/os=linux" },
        { "affinity In linux or windows", Affinity(Os("In", "\"linux\",\"windows\"")), null },
        { "affinity NotIn linux", Affinity(Os("NotIn", "\"linux\"")), "required node affinity" },
        { "affinity NotIn windows", Affinity(Os("NotIn", "\"windows\"")), null },
        { "affinity DoesNotExist", Affinity(Os("DoesNotExist")), "required node affinity" },
        { "one of two terms admits linux", Affinity(Os("In", "\"windows\"") + "," + Os("In", "\"linux\"")), null },
        { "every term excludes linux", Affinity(Os("In", "\"windows\"") + "," + Os("NotIn", "\"linux\"")), "required node affinity" },
        { "affinity on another label", Affinity("{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}"), null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void WindowsOnly_Row_SaysWhatRulesLinuxOut(string name, string spec, string? expected)
    {
        var why = PodPlatform.WindowsOnly(TestPods.Pod(spec: spec).Spec);

        if (expected is null)
        {
            Assert.True(why is null, $"{name}: {why}");
        }
        else
        {
            Assert.True(why?.Contains(expected, StringComparison.Ordinal) == true, $"{name}: {why}");
        }
    }
}
