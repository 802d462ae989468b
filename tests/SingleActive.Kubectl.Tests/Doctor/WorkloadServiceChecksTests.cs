using k8s.Models;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>Services that reach the standbys: readiness mode and <c>publishNotReadyAddresses</c>.</summary>
public sealed class WorkloadServiceChecksTests
{
    private static readonly string[] AboutAService = ["Service ", "headless Service ", "service/", "headless service/"];

    [Fact]
    public void Run_ReadinessModeServicePublishingNotReadyAddresses_ErrorNamingTheFix()
    {
        var findings = Findings(TestWorkloads.Workload(), Service("web", publishNotReady: true));

        var finding = Assert.Single(findings);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("shop/deployment/web", finding.Subject);
        Assert.Equal("Service shop/web selects the pods of Deployment shop/web and has publishNotReadyAddresses: true: its endpoints include the not-ready standbys, so its clients reach them too (readiness mode)", finding.Problem);
        Assert.Equal("remove publishNotReadyAddresses from the Service (peers that need every pod's address can have a headless Service of their own), or use label mode (template annotation single-active.io/mode: label) and add single-active.io/role: leader to its selector", finding.Fix);
    }

    [Fact]
    public void Run_HeadlessGoverningServicePublishingNotReadyAddresses_Warning()
    {
        var statefulSet = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "shop" },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = "db-peers",
                PodManagementPolicy = "Parallel",
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" },
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = TestWorkloads.Deployment("shop", "web").Spec.Template,
            },
        };

        var peers = Service("db-peers", publishNotReady: true);
        peers.Spec.ClusterIP = "None";

        var findings = Findings(SingleActiveWorkload.From(statefulSet)!, peers, Service("db", publishNotReady: false));

        var finding = Assert.Single(findings);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.StartsWith("headless Service shop/db-peers, the governing Service of StatefulSet shop/db, has publishNotReadyAddresses: true", finding.Problem, StringComparison.Ordinal);
        Assert.StartsWith("keep it for peers, and give clients a Service without publishNotReadyAddresses", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ServicesThatDoNotReachTheStandbys_NoFinding()
    {
        var other = Service("other", publishNotReady: true);
        other.Spec.Selector = new Dictionary<string, string> { ["app"] = "other" };

        Assert.Empty(Findings(TestWorkloads.Workload(), Service("web", publishNotReady: false), Service("web-headless", publishNotReady: null), other));
    }

    [Fact]
    public void Run_LabelModeSelectingTheLeaderWhilePublishingNotReadyAddresses_NoFinding()
    {
        var service = Service("web", publishNotReady: true);
        service.Spec.Selector["single-active.io/role"] = "leader";

        Assert.Empty(Findings(TestWorkloads.Workload(mode: "label"), service));
    }

    [Fact]
    public void Run_LabelModeHeadlessServiceSelectingEveryReplica_WarningForItsClients()
    {
        var headless = Service("web-peers", publishNotReady: null);
        headless.Spec.ClusterIP = "None";

        var findings = Findings(TestWorkloads.Workload(mode: "label"), headless, Service("web", publishNotReady: null)).ToList();

        Assert.Equal([(Severity.Warning, "headless service/web-peers"), (Severity.Error, "service/web")], findings.Select(f => (f.Severity, f.Problem[..f.Problem.IndexOf(" selects", StringComparison.Ordinal)])));
        Assert.Equal("keep it for peers, and give clients a Service that selects single-active.io/role: leader", findings[0].Fix);
    }

    [Fact]
    public void Run_ReadinessModeServiceSelectingTheLeaderLabel_ErrorNoEndpoint()
    {
        var service = Service("web", publishNotReady: null);
        service.Spec.Selector[SingleActive.Contract.Labels.Role] = SingleActive.Contract.Labels.Leader;

        var finding = Assert.Single(Findings(TestWorkloads.Workload(), service));

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith("Service shop/web selects the pods of Deployment shop/web by single-active.io/role: leader, which no pod carries in readiness mode: it has no endpoint from them", finding.Problem, StringComparison.Ordinal);
        Assert.Empty(Findings(TestWorkloads.Workload(mode: "label"), service));
    }

    private static IEnumerable<Finding> Findings(SingleActiveWorkload workload, params V1Service[] services)
    {
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], [], [new NamespaceSnapshot("shop", [], [], services, [(workload, [])], [], [])]);
        return DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => AboutAService.Any(start => f.Problem.StartsWith(start, StringComparison.Ordinal)));
    }

    private static V1Service Service(string name, bool? publishNotReady) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, PublishNotReadyAddresses = publishNotReady },
    };
}
