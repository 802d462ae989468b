using k8s.Models;
using SingleActive.Kubectl.Doctor;
using SingleActive.Kubectl.Workloads;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>Services that reach the standbys: readiness mode and <c>publishNotReadyAddresses</c>.</summary>
public sealed class WorkloadServiceChecksTests
{
    [Fact]
    public void Run_ReadinessModeServicePublishingNotReadyAddresses_ErrorNamingTheFix()
    {
        var findings = Findings(TestWorkloads.Workload(), Service("web", publishNotReady: true));

        var finding = Assert.Single(findings);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("shop/deployment/web", finding.Subject);
        Assert.Equal("Service shop/web selects the pods of Deployment shop/web and has publishNotReadyAddresses: true: its endpoints include the not-ready standbys, so its clients reach them too (readiness mode)", finding.Problem);
        Assert.Equal("remove publishNotReadyAddresses from the Service, or use label mode (single-active.io/mode: label on the template) and add single-active.io/role: leader to its selector", finding.Fix);
    }

    [Fact]
    public void Run_StatefulSetsGoverningServicePublishingNotReadyAddresses_Warning()
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

        var findings = Findings(SingleActiveWorkload.From(statefulSet)!, Service("db-peers", publishNotReady: true), Service("db", publishNotReady: false));

        var finding = Assert.Single(findings);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.StartsWith("Service shop/db-peers, the governing Service of StatefulSet shop/db, has publishNotReadyAddresses: true", finding.Problem, StringComparison.Ordinal);
        Assert.StartsWith("give clients a Service without publishNotReadyAddresses", finding.Fix, StringComparison.Ordinal);
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

    private static IEnumerable<Finding> Findings(SingleActiveWorkload workload, params V1Service[] services)
    {
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], [], [new NamespaceSnapshot("shop", [], [], services, [(workload, [])])]);
        return DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => f.Problem.Contains("publishNotReadyAddresses", StringComparison.Ordinal) || f.Problem.StartsWith("service/", StringComparison.Ordinal));
    }

    private static V1Service Service(string name, bool? publishNotReady) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, PublishNotReadyAddresses = publishNotReady },
    };
}
