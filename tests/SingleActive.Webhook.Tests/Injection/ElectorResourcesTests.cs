using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>The elector's resources: the webhook's defaults, overridden per pod, every bad value named.</summary>
public class ElectorResourcesTests
{
    public static TheoryData<string, string, string, string?> Rows => new()
    {
        // name, annotations, expected (cpu req/limit, mem req/limit), error fragment
        { "defaults", "", "10m/-/24Mi/48Mi", null },
        { "quota on limits", "\"single-active.io/cpu-limit\":\"100m\",\"single-active.io/memory-limit\":\"64Mi\"", "10m/100m/24Mi/64Mi", null },
        { "all four", "\"single-active.io/cpu-request\":\"20m\",\"single-active.io/cpu-limit\":\"0.1\",\"single-active.io/memory-request\":\"32Mi\",\"single-active.io/memory-limit\":\"64Mi\"", "20m/0.1/32Mi/64Mi", null },
        { "spaces trimmed", "\"single-active.io/cpu-limit\":\" 200m \"", "10m/200m/24Mi/48Mi", null },
        { "not a quantity", "\"single-active.io/cpu-limit\":\"lots\"", "", "annotation \"single-active.io/cpu-limit\" on pod \"web\" is \"lots\"; expected a Kubernetes quantity" },
        { "negative", "\"single-active.io/memory-request\":\"-1Mi\"", "", "\"single-active.io/memory-request\"" },
        { "request above the default limit", "\"single-active.io/memory-request\":\"64Mi\"", "", "memory request on pod \"web\" (64Mi) is above its memory limit (48Mi, the webhook's default), which the API server refuses; lower \"single-active.io/memory-request\" or set \"single-active.io/memory-limit\" to at least 64Mi" },
        { "request above the given limit", "\"single-active.io/cpu-request\":\"200m\",\"single-active.io/cpu-limit\":\"100m\"", "", "(100m, annotation \"single-active.io/cpu-limit\")" },
        { "request equal to limit", "\"single-active.io/cpu-request\":\"100m\",\"single-active.io/cpu-limit\":\"0.1\"", "100m/0.1/24Mi/48Mi", null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Resolve_Row_OverridesOrNamesTheProblem(string name, string annotations, string expected, string? error)
    {
        var pod = TestPods.Pod(annotations: annotations);
        var errors = new List<string>();

        var resources = ElectorResources.Resolve(pod.Metadata.Annotations ?? new Dictionary<string, string>(), new InjectorOptions(), "pod \"web\"", errors);

        if (error is null)
        {
            Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors)}");
            Assert.Equal(expected, $"{resources.CpuRequest}/{resources.CpuLimit ?? "-"}/{resources.MemoryRequest}/{resources.MemoryLimit}");
        }
        else
        {
            Assert.Contains(errors, e => e.Contains(error, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Inject_ResourceAnnotations_RenderedOnTheElector()
    {
        var pod = TestPods.Pod(annotations: "\"single-active\":\"true\",\"single-active.io/cpu-limit\":\"100m\",\"single-active.io/memory-request\":\"32Mi\"");

        var injected = Assert.IsType<InjectedPod>(new PodInjector(new InjectorOptions()).Inject(pod, new InjectionContext("shop")).Injected);

        var elector = injected.Pod.Spec.Containers.Single(c => c.Name == "single-active-elector");
        Assert.Equal("100m", elector.Resources.Limits["cpu"].ToString());
        Assert.Equal("32Mi", elector.Resources.Requests["memory"].ToString());
        Assert.Equal("48Mi", elector.Resources.Limits["memory"].ToString());
    }

    [Theory]
    [InlineData("\"single-active.io/memory-request\":\"8Mi\",\"single-active.io/memory-limit\":\"16Mi\"", "16Mi")]
    [InlineData("\"single-active.io/memory-request\":\"8Mi\",\"single-active.io/memory-limit\":\"33554431\"", "33554431")]
    public void Inject_MemoryLimitBelowWhatTheElectorUses_InjectedWithAWarningNamingTheFix(string annotations, string limit)
    {
        var pod = TestPods.Pod(annotations: "\"single-active\":\"true\"," + annotations);

        var result = new PodInjector(new InjectorOptions()).Inject(pod, new InjectionContext("shop"));

        Assert.NotNull(result.Injected);
        var warning = Assert.Single(result.Warnings!, w => w.Contains("memory limit", StringComparison.Ordinal));
        Assert.Contains($"memory limit on pod \"web\" in namespace \"shop\" is {limit} (annotation \"single-active.io/memory-limit\"), below 32Mi", warning, StringComparison.Ordinal);
        Assert.EndsWith("Set the annotation to at least 32Mi, or remove it for the webhook's default", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("32Mi")]
    [InlineData("48Mi")]
    [InlineData("1Gi")]
    public void MemoryLimitWarning_AnnotationAtOrAboveTheFloor_None(string limit) =>
        Assert.Null(new ElectorResources("10m", "8Mi", null, limit).MemoryLimitWarning(new Dictionary<string, string> { ["single-active.io/memory-limit"] = limit }, "pod \"web\""));

    /// <summary>The webhook's own default is checked once, at start-up (InjectorOptionsValidatorTests), not on every pod.</summary>
    [Fact]
    public void MemoryLimitWarning_NoAnnotation_None() =>
        Assert.Null(new ElectorResources("10m", "8Mi", null, "16Mi").MemoryLimitWarning(new Dictionary<string, string>(), "pod \"web\""));

    [Fact]
    public void Inject_RunAsUserOption_Rendered()
    {
        var options = new InjectorOptions { RunAsUser = 1000680000, RunAsGroup = 1000680000 };

        var injected = Assert.IsType<InjectedPod>(new PodInjector(options).Inject(TestPods.Pod(), new InjectionContext("shop")).Injected);

        var context = injected.Pod.Spec.Containers.Single(c => c.Name == "single-active-elector").SecurityContext;
        Assert.Equal((1000680000L, 1000680000L, true), (context.RunAsUser, context.RunAsGroup, context.RunAsNonRoot));
    }
}
