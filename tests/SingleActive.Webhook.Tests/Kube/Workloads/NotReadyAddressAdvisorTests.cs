using k8s;
using k8s.Models;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class NotReadyAddressAdvisorTests
{
    internal static V1Service Service(string name, string spec, string? annotations = null) =>
        KubernetesJson.Deserialize<V1Service>(
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\"" + (annotations is null ? "" : ",\"annotations\":{" + annotations + "}") + "},\"spec\":{" + spec + "}}");

    [Theory]
    // Service spec, Service annotations, expect it found
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\"}", null, true)]
    [InlineData("\"publishNotReadyAddresses\":false,\"selector\":{\"app\":\"web\"}", null, false)]
    [InlineData("\"selector\":{\"app\":\"web\"}", null, false)]
    [InlineData("\"selector\":{\"app\":\"web\"}", "\"service.alpha.kubernetes.io/tolerate-unready-endpoints\":\"true\"", true)]
    [InlineData("\"selector\":{\"app\":\"web\"}", "\"service.alpha.kubernetes.io/tolerate-unready-endpoints\":\"1\"", true)]
    [InlineData("\"selector\":{\"app\":\"web\"}", "\"service.alpha.kubernetes.io/tolerate-unready-endpoints\":\"false\"", false)]
    [InlineData("\"selector\":{\"app\":\"web\"}", "\"service.alpha.kubernetes.io/tolerate-unready-endpoints\":\"yes\"", false)] // Go's ParseBool does not take it
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"other\"}", null, false)]
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\",\"tier\":\"db\"}", null, false)]
    [InlineData("\"publishNotReadyAddresses\":true", null, false)] // no selector: its Endpoints are written by someone else
    public void Find_ServiceOverADeployment_FoundWhenItSelectsThePodsAndPublishesNotReadyAddresses(string spec, string? annotations, bool found)
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        var exposures = NotReadyAddressAdvisor.Find([Service("web", spec, annotations)], workload);

        Assert.Equal(found, exposures.Count == 1);
    }

    [Fact]
    public void Find_ServiceWithAClusterIp_ItsClientsReachTheStandbys()
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        var exposure = Assert.Single(NotReadyAddressAdvisor.Find([Service("web", "\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\"}")], workload));

        Assert.Equal(("web", false), (exposure.Service, exposure.Headless));
        Assert.Equal("Service shop/web selects the pods of Deployment shop/web and has publishNotReadyAddresses: true: its endpoints include the not-ready standbys, so its clients reach them too (readiness mode)", exposure.Problem);
        Assert.Equal("remove publishNotReadyAddresses from the Service (peers that need every pod's address can have a headless Service of their own), or use label mode (template annotation single-active.io/mode: label) and add single-active.io/role: leader to its selector", exposure.Fix);
    }

    [Fact]
    public void Find_TolerateUnreadyAnnotation_NamedInTheProblemAndTheFix()
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        var exposure = Assert.Single(NotReadyAddressAdvisor.Find([Service("web", "\"selector\":{\"app\":\"web\"}", "\"service.alpha.kubernetes.io/tolerate-unready-endpoints\":\"true\"")], workload));

        Assert.Contains("has the annotation service.alpha.kubernetes.io/tolerate-unready-endpoints: \"true\" (honoured until Kubernetes 1.23)", exposure.Problem, StringComparison.Ordinal);
        Assert.StartsWith("remove the annotation service.alpha.kubernetes.io/tolerate-unready-endpoints from the Service", exposure.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_HeadlessServices_OnlyTheirClientsAtRiskAndTheGoverningOneNamedAsSuch()
    {
        var workload = Workload.Of(TestWorkloads.StatefulSet(spec: "\"replicas\":2,\"serviceName\":\"db-peers\""));
        var headless = "\"publishNotReadyAddresses\":true,\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"}";

        var exposures = NotReadyAddressAdvisor.Find([Service("db-peers", headless), Service("db-discovery", headless)], workload);

        Assert.Equal([("db-peers", true), ("db-discovery", true)], exposures.Select(e => (e.Service, e.Headless)));
        Assert.StartsWith("headless Service shop/db-peers, the governing Service of StatefulSet shop/db, has publishNotReadyAddresses: true: DNS answers its name with every pod", exposures[0].Problem, StringComparison.Ordinal);
        Assert.StartsWith("headless Service shop/db-discovery selects the pods of StatefulSet shop/db and has publishNotReadyAddresses: true", exposures[1].Problem, StringComparison.Ordinal);
        Assert.Equal("keep it for peers, and give clients a Service without publishNotReadyAddresses that selects the same pods, or use label mode (template annotation single-active.io/mode: label) and give clients one that selects single-active.io/role: leader", exposures[0].Fix);
    }

    [Fact]
    public void Advise_OneWarningPerServiceNamingTheFix()
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        var warning = Assert.Single(NotReadyAddressAdvisor.Advise([Service("web", "\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\"}")], workload));

        Assert.StartsWith("single-active: Service shop/web selects the pods of Deployment shop/web", warning, StringComparison.Ordinal);
        Assert.EndsWith("and add single-active.io/role: leader to its selector.", warning, StringComparison.Ordinal);
        Assert.Contains(". Fix: remove publishNotReadyAddresses from the Service", warning, StringComparison.Ordinal);
    }
}
