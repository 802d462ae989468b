using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;
using static SingleActive.Webhook.Tests.Kube.Workloads.NotReadyAddressAdvisorTests;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class RoleSelectorAdvisorTests
{
    [Theory]
    // Service spec, expect it found
    [InlineData("\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}", true)]
    [InlineData("\"clusterIP\":\"None\",\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}", true)]
    [InlineData("\"selector\":{\"app\":\"web\"}", false)]
    [InlineData("\"selector\":{\"single-active.io/role\":\"leader\"}", false)] // every label-mode workload's leaders: not this one's
    [InlineData("\"selector\":{\"app\":\"other\",\"single-active.io/role\":\"leader\"}", false)]
    [InlineData("\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"standby\"}", false)]
    [InlineData("\"clusterIP\":\"None\"", false)] // no selector
    public void Find_ServiceOverAReadinessModeDeployment_FoundWhenOnlyTheLeaderLabelKeepsItFromThePods(string spec, bool found)
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        Assert.Equal(found, RoleSelectorAdvisor.Find([Service("web", spec)], workload).Count == 1);
    }

    [Fact]
    public void Advise_LeaderSelectingService_NamesTheServiceTheWorkloadAndBothFixes()
    {
        var warning = Assert.Single(RoleSelectorAdvisor.Advise([Service("web", "\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}")], Workload.Of(TestWorkloads.Deployment())));

        Assert.Equal(
            "single-active: Service shop/web selects the pods of Deployment shop/web by single-active.io/role: leader, which no pod carries in readiness mode: it has no endpoint from them " +
            "(label-mode pods still running keep it until they are replaced). Fix: remove single-active.io/role from the Service's selector once the workload's label-mode pods are gone " +
            "(all of them are Ready: until then it would reach every one; in readiness mode only the leader is Ready, so the Service then reaches only it), or use label mode (template annotation single-active.io/mode: label).",
            warning);
    }

    [Fact]
    public void Find_TemplateSettingTheLeaderLabelItself_NotFound()
    {
        var deployment = TestWorkloads.Deployment();
        deployment.Spec.Template.Metadata.Labels["single-active.io/role"] = "leader";

        Assert.Empty(RoleSelectorAdvisor.Find([Service("web", "\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}")], Workload.Of(deployment)));
    }

    [Fact]
    public void Advise_ThroughTheWorkload_ReadinessModeWarnsLabelModeDoesNot()
    {
        var service = Service("web", "\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}");

        Assert.Contains("which no pod carries in readiness mode", Assert.Single(SingleActiveWorkload.From(TestWorkloads.Deployment())!.Advise(service)), StringComparison.Ordinal);
        Assert.Empty(SingleActiveWorkload.From(TestWorkloads.Deployment(templateAnnotations: "\"single-active\":\"true\",\"single-active.io/mode\":\"label\""))!.Advise(service));
    }
}
