using k8s.Models;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class DeploymentStrategyPlannerTests
{
    [Theory]
    // strategy JSON (empty = none), expected type, maxUnavailable, maxSurge, warned
    [InlineData("", "RollingUpdate", "100%", "25%", true)]
    [InlineData("\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}", "RollingUpdate", "100%", "25%", true)]
    [InlineData("\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":1}}", "RollingUpdate", "100%", "1", true)]
    [InlineData("\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":5}}", "RollingUpdate", "100%", "25%", true)]
    [InlineData("\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"100%\",\"maxSurge\":2}}", "RollingUpdate", "100%", "2", false)]
    [InlineData("\"strategy\":{\"rollingUpdate\":{\"maxUnavailable\":\"100%\"}}", "RollingUpdate", "100%", "25%", false)]
    [InlineData("\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"99%\",\"maxSurge\":1}}", "RollingUpdate", "99%", "1", false)]
    [InlineData("\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"90%\"}}", "RollingUpdate", "100%", "25%", true)]
    [InlineData("\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"50%\",\"maxSurge\":0}}", "RollingUpdate", "100%", "0", true)]
    public void Apply_RollingStrategies_EndWithFullUnavailabilityKeepingTheSurge(string strategy, string type, string maxUnavailable, string maxSurge, bool warned)
    {
        var deployment = TestWorkloads.Deployment(spec: "\"replicas\":3" + (strategy.Length > 0 ? "," + strategy : ""));

        var warning = DeploymentStrategyPlanner.Apply(deployment, "Deployment shop/web");

        var actual = deployment.Spec.Strategy;
        Assert.Equal((type, maxUnavailable, maxSurge), (actual.Type, actual.RollingUpdate.MaxUnavailable.Value, actual.RollingUpdate.MaxSurge.Value));
        Assert.Equal(warned, warning is not null);
    }

    [Fact]
    public void Apply_Recreate_KeptWithoutWarning()
    {
        var deployment = TestWorkloads.Deployment(spec: "\"strategy\":{\"type\":\"Recreate\"}");

        var warning = DeploymentStrategyPlanner.Apply(deployment, "Deployment shop/web");

        Assert.Null(warning);
        Assert.Equal(new V1DeploymentStrategy { Type = "Recreate" }, deployment.Spec.Strategy);
    }

    [Fact]
    public void Apply_Changed_WarningSaysWhatAndWhy()
    {
        var deployment = TestWorkloads.Deployment(spec: "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":1}}");

        var warning = DeploymentStrategyPlanner.Apply(deployment, "Deployment shop/web");

        Assert.StartsWith("single-active: set spec.strategy.rollingUpdate.maxUnavailable of Deployment shop/web to 100% (was 25%; maxSurge 1)", warning, StringComparison.Ordinal);
        Assert.Contains("only the leader is Ready", warning, StringComparison.Ordinal);
        Assert.Contains("Recreate", warning, StringComparison.Ordinal);
        Assert.Contains("single-active.io/mode: label", warning, StringComparison.Ordinal);
    }
}
