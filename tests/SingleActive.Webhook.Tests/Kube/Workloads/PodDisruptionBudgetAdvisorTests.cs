using k8s;
using k8s.Models;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class PodDisruptionBudgetAdvisorTests
{
    internal static V1PodDisruptionBudget Budget(string spec, string name = "web-pdb") =>
        KubernetesJson.Deserialize<V1PodDisruptionBudget>(
            "{\"apiVersion\":\"policy/v1\",\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\"},\"spec\":{" + spec + "}}");

    [Theory]
    // budget spec, expect a warning, expect the standby part (blocked unhealthy evictions)
    [InlineData("\"minAvailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", false, false)]
    [InlineData("\"minAvailable\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", true, true)]
    [InlineData("\"minAvailable\":\"50%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", true, true)]
    [InlineData("\"minAvailable\":2,\"unhealthyPodEvictionPolicy\":\"AlwaysAllow\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", true, false)]
    [InlineData("\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", true, true)]
    [InlineData("\"maxUnavailable\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", false, false)]
    [InlineData("\"maxUnavailable\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", false, false)]
    [InlineData("\"maxUnavailable\":\"100%\",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", false, false)]
    [InlineData("\"minAvailable\":0,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", false, false)]
    [InlineData("\"minAvailable\":2,\"selector\":{\"matchLabels\":{\"app\":\"other\"}}", false, false)]
    [InlineData("\"minAvailable\":2", false, false)]
    [InlineData("\"minAvailable\":2,\"selector\":{}", true, true)]
    public void Advise_BudgetOverThreeReplicas_WarnsWhenItCanBlockADrain(string spec, bool warned, bool standbysBlocked)
    {
        var workload = Workload.Of(TestWorkloads.Deployment(spec: "\"replicas\":3"));

        var warnings = PodDisruptionBudgetAdvisor.Advise([Budget(spec)], workload);

        Assert.Equal(warned, warnings.Count == 1);
        if (warned)
        {
            Assert.Contains("PodDisruptionBudget shop/web-pdb selects the pods of Deployment shop/web", warnings[0], StringComparison.Ordinal);
            Assert.Contains("the leader cannot be evicted", warnings[0], StringComparison.Ordinal);
            Assert.Equal(standbysBlocked, warnings[0].Contains("unhealthyPodEvictionPolicy: AlwaysAllow", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("\"minAvailable\":\"34%\"", 5, 2)]
    [InlineData("\"maxUnavailable\":\"20%\"", 5, 4)]
    [InlineData("\"maxUnavailable\":\"30%\"", 3, 2)]
    [InlineData("", 3, 1)]
    public void DesiredHealthy_Percentages_RoundUpLikeTheDisruptionController(string spec, int expected, int desired)
    {
        var budget = Budget(spec.Length > 0 ? spec : "\"selector\":{}");

        Assert.Equal(desired, PodDisruptionBudgetAdvisor.DesiredHealthy(budget.Spec, expected).Desired);
    }
}
