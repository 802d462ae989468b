using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;
using static SingleActive.Webhook.Tests.Kube.Workloads.NotReadyAddressAdvisorTests;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class LeaderSelectorAdvisorTests
{
    [Theory]
    // Service spec, expect it found
    [InlineData("\"selector\":{\"app\":\"web\"}", true)]
    [InlineData("\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}", false)]
    [InlineData("\"selector\":{\"single-active.io/role\":\"leader\"}", false)] // the leader of any workload: not every replica
    [InlineData("\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"standby\"}", true)]
    [InlineData("\"selector\":{\"app\":\"other\"}", false)]
    [InlineData("\"selector\":{\"single-active.io/role\":\"standby\"}", false)] // every label-mode workload's standbys: not this one's replicas
    [InlineData("\"selector\":{\"app\":\"web\",\"tier\":\"db\"}", false)]
    [InlineData("\"clusterIP\":\"None\"", false)] // no selector: its Endpoints are written by someone else
    public void Find_ServiceOverALabelModeDeployment_FoundWhenItSelectsThePodsNotOnlyTheLeader(string spec, bool found)
    {
        var workload = Workload.Of(TestWorkloads.Deployment(templateAnnotations: "\"single-active\":\"true\",\"single-active.io/mode\":\"label\""));

        var exposures = LeaderSelectorAdvisor.Find([Service("web", spec)], workload);

        Assert.Equal(found, exposures.Count == 1);
    }

    [Fact]
    public void Advise_ServiceAndHeadlessService_ErrorWordingForClientsAndWarningForPeers()
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        var exposures = LeaderSelectorAdvisor.Find([Service("web", "\"selector\":{\"app\":\"web\"}"), Service("web-peers", "\"clusterIP\":\"None\",\"selector\":{\"app\":\"web\"}")], workload);
        var warnings = LeaderSelectorAdvisor.Advise([Service("web", "\"selector\":{\"app\":\"web\"}")], workload);

        Assert.Equal([("web", false), ("web-peers", true)], exposures.Select(e => (e.Service, e.Headless)));
        Assert.Equal(
            "single-active: Deployment shop/web (label mode): service/web selects every replica, not only the leader: in label mode clients reach the standbys too. " +
            "Fix: add single-active.io/role: leader to the Service's spec.selector.",
            Assert.Single(warnings));
        Assert.StartsWith("headless service/web-peers selects every replica, not only the leader: in label mode clients that resolve its name reach the standbys too", exposures[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_GoverningHeadlessServiceOfAStatefulSet_NoWarningThoughFindReportsIt()
    {
        var workload = Workload.Of(TestWorkloads.StatefulSet(templateAnnotations: "\"single-active\":\"true\",\"single-active.io/mode\":\"label\"", spec: "\"replicas\":3,\"serviceName\":\"db\""));
        var governing = Service("db", "\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"}");
        var peers = Service("db-peers", "\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"}");

        Assert.Equal(["db", "db-peers"], LeaderSelectorAdvisor.Find([governing, peers], workload).Select(e => e.Service));
        Assert.Contains("headless service/db-peers", Assert.Single(LeaderSelectorAdvisor.Advise([governing, peers], workload)), StringComparison.Ordinal);
    }
}
