using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

public class StatefulSetPolicyPlannerTests
{
    private const string Description = "StatefulSet shop/db";

    [Theory]
    [InlineData("", "Parallel")]
    [InlineData(",\"podManagementPolicy\":\"OrderedReady\"", "Parallel")]
    [InlineData(",\"podManagementPolicy\":\"Parallel\"", "Parallel")]
    public void Apply_Create_SetsParallel(string policy, string expected)
    {
        var set = TestWorkloads.StatefulSet(spec: "\"replicas\":1" + policy);

        var warnings = StatefulSetPolicyPlanner.Apply(set, Description, isCreate: true, templateChanged: true);

        Assert.Equal(expected, set.Spec.PodManagementPolicy);
        Assert.Equal(policy.Contains("Parallel", StringComparison.Ordinal) ? 0 : 1, warnings.Count);
    }

    [Fact]
    public void Apply_UpdateOfOrderedReady_LeavesTheImmutableFieldAndExplainsTheFix()
    {
        var set = TestWorkloads.StatefulSet(spec: "\"replicas\":1,\"podManagementPolicy\":\"OrderedReady\"");

        var warnings = StatefulSetPolicyPlanner.Apply(set, Description, isCreate: false, templateChanged: false);

        Assert.Equal("OrderedReady", set.Spec.PodManagementPolicy);
        var warning = Assert.Single(warnings);
        Assert.Contains("only the leader is Ready", warning, StringComparison.Ordinal);
        Assert.Contains("kubectl delete statefulset db --cascade=orphan", warning, StringComparison.Ordinal);
        Assert.Contains("podManagementPolicy: Parallel", warning, StringComparison.Ordinal);
    }

    [Theory]
    // replicas, update strategy, template changed, expect the rolling-update warning
    [InlineData(3, "", true, true)]
    [InlineData(2, "\"updateStrategy\":{\"type\":\"RollingUpdate\"}", true, true)]
    [InlineData(3, "\"updateStrategy\":{\"type\":\"OnDelete\"}", true, false)]
    [InlineData(1, "", true, false)]
    [InlineData(3, "", false, false)]
    public void Apply_RollingUpdateWithStandbys_WarnsThatATemplateChangeStops(int replicas, string strategy, bool templateChanged, bool expected)
    {
        var set = TestWorkloads.StatefulSet(spec: $"\"replicas\":{replicas},\"podManagementPolicy\":\"Parallel\"" + (strategy.Length > 0 ? "," + strategy : ""));

        var warnings = StatefulSetPolicyPlanner.Apply(set, Description, isCreate: false, templateChanged);

        Assert.Equal(expected, warnings.Any(w => w.Contains("stops after the first replaced standby", StringComparison.Ordinal)));
    }
}
