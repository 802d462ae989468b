using k8s;
using k8s.Models;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class NotReadyAddressAdvisorTests
{
    internal static V1Service Service(string name, string spec) =>
        KubernetesJson.Deserialize<V1Service>("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\"},\"spec\":{" + spec + "}}");

    [Theory]
    // Service spec, expect it found
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\"}", true)]
    [InlineData("\"publishNotReadyAddresses\":true,\"clusterIP\":\"None\",\"selector\":{\"app\":\"web\"}", true)]
    [InlineData("\"publishNotReadyAddresses\":false,\"selector\":{\"app\":\"web\"}", false)]
    [InlineData("\"selector\":{\"app\":\"web\"}", false)]
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"other\"}", false)]
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\",\"tier\":\"db\"}", false)]
    [InlineData("\"publishNotReadyAddresses\":true", false)] // no selector: its Endpoints are written by someone else
    public void Find_ServiceOverADeployment_FoundWhenItSelectsThePodsAndPublishesNotReadyAddresses(string spec, bool found)
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        var exposures = NotReadyAddressAdvisor.Find([Service("web", spec)], workload);

        Assert.Equal(found, exposures.Count == 1);
        if (found)
        {
            Assert.Equal(("web", false), (exposures[0].Service, exposures[0].Governing));
            Assert.Equal("Service shop/web selects the pods of Deployment shop/web and has publishNotReadyAddresses: true: its endpoints include the not-ready standbys, so its clients reach them too (readiness mode)", exposures[0].Problem);
        }
    }

    [Fact]
    public void Find_StatefulSetsGoverningService_FoundAsGoverning()
    {
        var workload = Workload.Of(TestWorkloads.StatefulSet(spec: "\"replicas\":2,\"serviceName\":\"db-peers\""));
        var selector = "\"publishNotReadyAddresses\":true,\"clusterIP\":\"None\",\"selector\":{\"app\":\"db\"}";

        var exposures = NotReadyAddressAdvisor.Find([Service("db-peers", selector), Service("db", selector)], workload);

        Assert.Equal([("db-peers", true), ("db", false)], exposures.Select(e => (e.Service, e.Governing)));
        Assert.StartsWith("Service shop/db-peers, the governing Service of StatefulSet shop/db, has publishNotReadyAddresses: true: its per-pod DNS names serve peers", exposures[0].Problem, StringComparison.Ordinal);
        Assert.StartsWith("give clients a Service without publishNotReadyAddresses", exposures[0].Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_OneWarningPerServiceNamingTheFix()
    {
        var workload = Workload.Of(TestWorkloads.Deployment());

        var warning = Assert.Single(NotReadyAddressAdvisor.Advise([Service("web", "\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\"}")], workload));

        Assert.StartsWith("single-active: Service shop/web selects the pods of Deployment shop/web", warning, StringComparison.Ordinal);
        Assert.EndsWith(". Fix: remove publishNotReadyAddresses from the Service, or use label mode (single-active.io/mode: label on the template) and add single-active.io/role: leader to its selector.", warning, StringComparison.Ordinal);
    }
}
