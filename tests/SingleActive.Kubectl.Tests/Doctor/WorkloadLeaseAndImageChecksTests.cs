using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>Day-2 findings on one workload: failover left paused, pods split over Leases, and pods still running an older elector after an upgrade.</summary>
public class WorkloadLeaseAndImageChecksTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("yes", true)]
    [InlineData("false", false)]
    [InlineData(null, false)]
    public void Run_LeasePaused_WarnsWithTheResumeCommand(string? paused, bool warns)
    {
        var annotations = paused is null ? null : new Dictionary<string, string> { [Annotations.Paused] = paused };
        var snapshot = Snapshot([TestWorkloads.Pod("web-0", "node-a", true)], [TestWorkloads.Lease("web", "web-0", 3, TestWorkloads.Now, annotations), TestWorkloads.Lease("other", null, 0, null, new Dictionary<string, string> { [Annotations.Paused] = "true" })]);

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => f.Problem.StartsWith("failover is paused", StringComparison.Ordinal)).ToList();

        if (!warns)
        {
            Assert.Empty(findings);
            return;
        }

        var finding = Assert.Single(findings);
        Assert.Equal((Severity.Warning, "shop/deployment/web"), (finding.Severity, finding.Subject));
        Assert.Equal("failover is paused (Lease web, annotation single-active.io/paused): a leader that fails or is deleted is not replaced until resumed", finding.Problem);
        Assert.Equal("kubectl single-active resume deployment/web -n shop, once the maintenance is over", finding.Fix);
    }

    [Fact]
    public void Run_PodsOnTwoLeases_ErrorNamingEachLeaseAndScalingToZeroAndBack()
    {
        var pods = new[]
        {
            TestWorkloads.Pod("web-0", "node-a", true, lease: "web-old"),
            TestWorkloads.Pod("web-1", "node-b", true),
            TestWorkloads.Pod("web-2", "node-c", true),
            TestWorkloads.Pod("web-3", "node-c", true, lease: "web-older"),
            Deleting(TestWorkloads.Pod("web-4", "node-c", true, lease: "web-gone")),
            Finished(TestWorkloads.Pod("web-5", "node-c", null, lease: "web-evicted")),
        };

        var finding = Assert.Single(DoctorChecks.Run(Snapshot(pods, []), TestWorkloads.Now), f => f.Problem.Contains("Leases", StringComparison.Ordinal));

        Assert.Equal((Severity.Error, "shop/deployment/web"), (finding.Severity, finding.Subject));
        Assert.Equal("its pods campaign for 3 Leases: web (2 pods), web-old (1 pod), web-older (1 pod); each Lease has a leader, so replicas serve at once", finding.Problem);
        Assert.Equal("its template names Lease web; scale it to 0 and back (kubectl scale deployment/web -n shop --replicas=0, then to 3): a deleted pod may be recreated on its old Lease by an older ReplicaSet, a partition or an unfinished rollout", finding.Fix);
    }

    [Fact]
    public void Run_OnDeleteStatefulSetPodsOnTwoLeases_FixDeletesThePodsOnTheOldLease()
    {
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "shop" },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 2,
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [Annotations.Enabled] = "true", [Annotations.LeaseName] = "db-v2" } } },
            },
        };
        var pods = new[] { TestWorkloads.Pod("db-0", "node-a", true, lease: "db"), TestWorkloads.Pod("db-1", "node-b", true, lease: "db-v2") };
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], [],
            [new NamespaceSnapshot("shop", [], [], [], [(SingleActiveWorkload.From(set)!, pods)], [], [])]);

        var finding = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Problem.Contains("Leases", StringComparison.Ordinal));

        Assert.Equal("its pods campaign for 2 Leases: db-v2 (1 pod), db (1 pod); each Lease has a leader, so replicas serve at once", finding.Problem);
        Assert.Equal("its template names Lease db-v2; delete the pods on the others, which the StatefulSet recreates on it: kubectl delete pod -n shop db-0", finding.Fix);
    }

    /// <summary>
    /// A Deployment and a StatefulSet of one name default to one Lease: each is told the other shares its leader; two
    /// templates that both name the Lease share it on purpose and are told nothing.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_TwoWorkloadsOnOneLease_WarnsOnEachUnlessBothNameIt(bool bothNameIt)
    {
        var named = new Dictionary<string, string> { [Annotations.Enabled] = "true", [Annotations.LeaseName] = "web" };
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" },
            Spec = new V1StatefulSetSpec { Replicas = 2, Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Annotations = bothNameIt ? named : new Dictionary<string, string> { [Annotations.Enabled] = "true" } } } },
        };
        var deployment = bothNameIt ? SingleActiveWorkload.From(TestWorkloads.Deployment("shop", "web", annotations: new Dictionary<string, string> { [Annotations.LeaseName] = "web" }))! : TestWorkloads.Workload();
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], [],
            [new NamespaceSnapshot("shop", [], [], [], [(deployment, [TestWorkloads.Pod("web-7d9-a", "node-a", true)]), (SingleActiveWorkload.From(set)!, [TestWorkloads.Pod("web-0", "node-b", true)])], [], [])]);

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => f.Problem.Contains("for its Lease web too", StringComparison.Ordinal)).ToList();

        if (bothNameIt)
        {
            Assert.Equal("web", deployment.LeaseName);
            Assert.Empty(findings);
            return;
        }

        Assert.Equal(["shop/deployment/web", "shop/statefulset/web"], findings.Select(f => f.Subject));
        Assert.All(findings, f => Assert.Equal(Severity.Warning, f.Severity));
        Assert.Equal("statefulset/web campaigns for its Lease web too, which one of the two gets by default (the workload's name): a Lease has one holder, so one replica of all of them serves at a time", findings[0].Problem);
        Assert.Equal("if they are not meant to share one leader, give each its own Lease: scale one to 0 (kubectl scale deployment/web -n shop --replicas=0), set its pod template's annotation single-active.io/lease-name to a name no other workload uses, and scale it back (the webhook refuses a Lease change while pods run); if they are, set single-active.io/lease-name: web on each template to say so", findings[0].Fix);
        Assert.StartsWith("deployment/web campaigns for its Lease web too", findings[1].Problem, StringComparison.Ordinal);
    }

    /// <summary>A Deployment moved to a StatefulSet of the same name, the Deployment scaled to 0: sharing the Lease keeps one leader, no finding.</summary>
    [Fact]
    public void Run_TwoWorkloadsOnOneLeaseOneWithoutPods_NoFinding()
    {
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" },
            Spec = new V1StatefulSetSpec { Replicas = 2, Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [Annotations.Enabled] = "true" } } } },
        };
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], [],
            [new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), []), (SingleActiveWorkload.From(set)!, [TestWorkloads.Pod("web-0", "node-b", true)])], [], [])]);

        Assert.DoesNotContain(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Problem.Contains("for its Lease web too", StringComparison.Ordinal));
    }

    /// <summary>
    /// Another program's leader election on a Lease of the workload's name (client-go names holders hostname_uuid): an
    /// error while it renews; a holder that could be a pod, or a Lease not renewed within its duration, is none.
    /// </summary>
    [Theory]
    [InlineData("controller-7f9c_4b1e2a6c-90d1-4d5e-a0a4-5e0b4ab0c1f2", 3, true)]
    [InlineData("controller-7f9c_4b1e2a6c-90d1-4d5e-a0a4-5e0b4ab0c1f2", 20, false)]
    [InlineData("web-0", 3, false)]
    [InlineData("web-7d9f8-new", 3, false)] // could be a pod created since the pods were read
    [InlineData("Controller-Manager", 3, true)]
    public void Run_LeaseRenewedByAHolderThatIsNoPod_ErrorNamingIt(string holder, int secondsAgo, bool error)
    {
        var lease = TestWorkloads.Lease("web", holder, 0, null, renewed: TestWorkloads.Now.AddSeconds(-secondsAgo));
        var snapshot = Snapshot([TestWorkloads.Pod("web-0", "node-a", true)], [lease]);

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => f.Problem.StartsWith("Lease web is held by", StringComparison.Ordinal)).ToList();

        if (!error)
        {
            Assert.Empty(findings);
            return;
        }

        var finding = Assert.Single(findings);
        Assert.Equal((Severity.Error, "shop/deployment/web"), (finding.Severity, finding.Subject));
        Assert.Equal($"Lease web is held by {holder}, which cannot be a pod's name (every elector's identity is its pod's), and was renewed 3s ago: another program elects its leader with a Lease of this name, so no replica of this workload can lead", finding.Problem);
        Assert.Equal("give the workload a Lease of its own: scale it to 0 (kubectl scale deployment/web -n shop --replicas=0), set its pod template's annotation single-active.io/lease-name to a name nothing else uses, and scale it back", finding.Fix);
    }

    /// <summary>
    /// Running pods whose elector's readinessProbe was changed after injection: an error naming them when it makes them
    /// Ready whether or not they lead (no probe), a warning when it is only slower (timings left to the defaults).
    /// </summary>
    [Theory]
    [InlineData(false, "Error|the elector of pod web-2 has no readinessProbe (the webhook renders httpGet /readyz on port sa-elector): its container is Ready whether or not it leads")]
    [InlineData(true, "Warning|the elector of pod web-2 has a readinessProbe slower than the elector relies on (periodSeconds 10, failureThreshold 3, timeoutSeconds 1: a leader that lost the Lease may stay Ready for 31 s, where the elector waits 2 s for its kubelet;")]
    public void Run_ElectorProbeChangedAfterInjection_NamesThePods(bool probeKept, string expected)
    {
        static V1Pod WithElector(V1Pod pod, V1Probe? probe)
        {
            pod.Spec.Containers = [new V1Container { Name = ElectorHttp.ContainerName, Ports = [new V1ContainerPort { ContainerPort = 8099, Name = ElectorHttp.PortName }], ReadinessProbe = probe }];
            return pod;
        }

        var rendered = new V1Probe { HttpGet = new V1HTTPGetAction { Path = ElectorHttp.ReadyPath, Port = ElectorHttp.PortName }, PeriodSeconds = 1, FailureThreshold = 1, TimeoutSeconds = 1 };
        var changed = probeKept ? new V1Probe { HttpGet = new V1HTTPGetAction { Path = ElectorHttp.ReadyPath, Port = ElectorHttp.PortName } } : null;
        var pods = new[] { WithElector(TestWorkloads.Pod("web-0", "node-a", true), rendered), WithElector(TestWorkloads.Pod("web-2", "node-b", true), changed) };

        var finding = Assert.Single(DoctorChecks.Run(Snapshot(pods, []), TestWorkloads.Now), f => f.Problem.StartsWith("the elector of", StringComparison.Ordinal));

        Assert.Equal("shop/deployment/web", finding.Subject);
        Assert.StartsWith(expected, $"{finding.Severity}|{finding.Problem}", StringComparison.Ordinal);
        Assert.Equal("find what changed the elector's probe after injection (a mutating webhook or policy, a rewritten manifest) and stop it, then replace the pods: kubectl rollout restart deployment/web -n shop", finding.Fix);
    }

    [Fact]
    public void Run_PodsOnTheTemplatesLease_NoLeaseFinding()
    {
        var pods = new[] { TestWorkloads.Pod("web-0", "node-a", true), TestWorkloads.Pod("web-1", "node-b", false), Deleting(TestWorkloads.Pod("web-2", "node-c", true, lease: "web-old")) };

        Assert.DoesNotContain(DoctorChecks.Run(Snapshot(pods, []), TestWorkloads.Now), f => f.Problem.Contains("Leases", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "7s", "4s", null, true)] // renew deadline 4s < 1.5 × 3s
    [InlineData("label", "7s", "4s", null, false)] // no kubelet wait in label mode
    [InlineData(null, "30s", "20s", "3", false)]
    [InlineData(null, "7s", "6s", null, false)] // unsafe: an error instead (the webhook denies it)
    public void Run_TemplateTimingsSlowForHandovers_Warns(string? mode, string leaseDuration, string renewDeadline, string? probePeriod, bool warns)
    {
        var annotations = new Dictionary<string, string> { [Annotations.LeaseDuration] = leaseDuration, [Annotations.RenewDeadline] = renewDeadline, [Annotations.RetryPeriod] = "1s" };
        if (probePeriod is not null)
        {
            annotations[Annotations.ProbePeriod] = probePeriod;
        }

        var workload = SingleActiveWorkload.From(TestWorkloads.Deployment("shop", "web", mode, annotations))!;
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], [], [new NamespaceSnapshot("shop", [], [], [], [(workload, [])], [], [])]);

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => f.Problem.StartsWith("template timings make handovers slow", StringComparison.Ordinal)).ToList();

        Assert.Equal(warns, findings.Count == 1);
        Assert.All(findings, f => Assert.Equal(Severity.Warning, f.Severity));
    }

    [Fact]
    public void Run_TemplateRetryPeriodBelowTheFloor_ErrorAsTheWebhookDeniesIt()
    {
        var annotations = new Dictionary<string, string> { [Annotations.RetryPeriod] = "100ms" };
        var workload = SingleActiveWorkload.From(TestWorkloads.Deployment("shop", "web", null, annotations))!;
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], [], [new NamespaceSnapshot("shop", [], [], [], [(workload, [])], [], [])]);

        var finding = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Problem.Contains("retry period (100ms) must be at least 500ms", StringComparison.Ordinal));

        Assert.Equal(Severity.Error, finding.Severity);
    }

    [Fact]
    public void Run_PodsWithTwoElectorImages_WarnsCountingEachAndIgnoresPodsBeingDeleted()
    {
        var pods = new[]
        {
            WithElector(TestWorkloads.Pod("web-0", "node-a", true), "registry.example/single-active:1.1.0", native: false),
            WithElector(TestWorkloads.Pod("web-1", "node-b", true), "registry.example/single-active:1.1.0", native: true),
            WithElector(TestWorkloads.Pod("web-2", "node-c", true), "registry.example/single-active:1.0.0", native: false),
            WithElector(TestWorkloads.Pod("web-3", "node-c", true, sidecar: "container"), "registry.example/single-active:0.9.0", native: false, deleting: true),
        };

        var finding = Assert.Single(DoctorChecks.Run(Snapshot(pods, []), TestWorkloads.Now), f => f.Problem.Contains("elector images", StringComparison.Ordinal));

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(
            "its pods run 2 elector images: registry.example/single-active:1.1.0 (2 pods), registry.example/single-active:1.0.0 (1 pod); each keeps the elector it was created with",
            finding.Problem);
        Assert.Equal("replace the older pods: kubectl rollout restart deployment/web -n shop", finding.Fix);
    }

    /// <summary>A canary Deployment's pod matching the selector, and a finished pod, run no elector of this workload.</summary>
    [Fact]
    public void Run_CanaryAndFinishedPodsWithOtherImagesOrIstio_NotCounted()
    {
        var canary = WithIstio(TestWorkloads.Pod("web-canary-7d4f-x", "node-a", true), null, null);
        canary.Spec.Containers[2].Image = "registry.example/single-active:1.2.0";
        canary.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web-canary-7d4f", Uid = "rs", Controller = true }];
        canary.Metadata.Labels = new Dictionary<string, string> { ["pod-template-hash"] = "7d4f" };
        var finished = WithIstio(TestWorkloads.Pod("web-old", "node-b", null), null, null);
        finished.Spec.Containers[2].Image = "registry.example/single-active:1.0.0";
        finished.Status.Phase = "Succeeded";
        var pods = new[] { WithElector(TestWorkloads.Pod("web-0", "node-a", true), "single-active:0.1.0", native: false), canary, finished };

        var findings = DoctorChecks.Run(Snapshot(pods, []), TestWorkloads.Now);

        Assert.DoesNotContain(findings, f => f.Problem.Contains("elector images", StringComparison.Ordinal) || f.Problem.Contains("Istio", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_PodsWithOneElectorImage_NoImageFinding()
    {
        var pods = new[]
        {
            WithElector(TestWorkloads.Pod("web-0", "node-a", true), "registry.example/single-active:1.1.0", native: false),
            WithElector(TestWorkloads.Pod("web-1", "node-b", true), "registry.example/single-active:1.1.0", native: false),
        };

        Assert.DoesNotContain(DoctorChecks.Run(Snapshot(pods, []), TestWorkloads.Now), f => f.Problem.Contains("elector images", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null, "add the annotation traffic.sidecar.istio.io/excludeInboundPorts: \"8099\"")]
    [InlineData("8099", null, null)]
    [InlineData("15090, 8099", null, null)]
    [InlineData("9000", null, "add 8099 to the annotation traffic.sidecar.istio.io/excludeInboundPorts (now \"9000\")")]
    [InlineData(null, "*", "add the annotation traffic.sidecar.istio.io/excludeInboundPorts: \"8099\"")]
    [InlineData("8099", "*", null)]
    [InlineData(null, "8080,8443", null)]
    [InlineData("", "", null)]
    [InlineData(null, "8080,8099", "remove 8099 from the annotation traffic.sidecar.istio.io/includeInboundPorts (now \"8080,8099\")")]
    [InlineData("8099", "8080,8099", "remove 8099 from the annotation traffic.sidecar.istio.io/includeInboundPorts (now \"8080,8099\")")] // exclusions apply only to "*"
    public void Run_IstioSidecarCapturesTheElectorPort_WarnsWithTheAnnotationToChange(string? excluded, string? included, string? change)
    {
        var warns = change is not null;
        var pods = new[] { WithIstio(TestWorkloads.Pod("web-0", "node-a", true), excluded, included), WithIstio(TestWorkloads.Pod("web-1", "node-b", true), excluded, included), TestWorkloads.Pod("web-2", "node-c", true) };

        var findings = DoctorChecks.Run(Snapshot(pods, []), TestWorkloads.Now).Where(f => f.Problem.Contains("Istio", StringComparison.Ordinal)).ToList();

        if (!warns)
        {
            Assert.Empty(findings);
            return;
        }

        var finding = Assert.Single(findings);
        Assert.Equal((Severity.Warning, "shop/deployment/web"), (finding.Severity, finding.Subject));
        Assert.Equal("2 of its pods run Istio's sidecar, which captures the elector's port 8099: if the mesh enforces STRICT mutual TLS, the kubelet's probes of the elector fail (in readiness mode no pod is ever Ready) and Prometheus cannot scrape it", finding.Problem);
        Assert.Equal($"{change} on the pod template of deployment/web in namespace shop (Istio reads it when it injects; PERMISSIVE mode, or a mesh-wide exclusion of the port, needs nothing)", finding.Fix);
    }

    private static V1Pod WithIstio(V1Pod pod, string? excluded, string? included)
    {
        pod.Spec.Containers = [new V1Container { Name = "app", Image = "app:1" }, new V1Container { Name = "istio-proxy", Image = "istio/proxyv2:1.24.0" }, new V1Container { Name = ElectorHttp.ContainerName, Image = "single-active:0.1.0" }];
        if (excluded is not null)
        {
            pod.Metadata.Annotations["traffic.sidecar.istio.io/excludeInboundPorts"] = excluded;
        }

        if (included is not null)
        {
            pod.Metadata.Annotations["traffic.sidecar.istio.io/includeInboundPorts"] = included;
        }

        return pod;
    }

    private static V1Pod WithElector(V1Pod pod, string image, bool native, bool deleting = false)
    {
        var elector = new V1Container { Name = ElectorHttp.ContainerName, Image = image };
        if (native)
        {
            pod.Spec.InitContainers = [elector];
        }
        else
        {
            pod.Spec.Containers = [new V1Container { Name = "app", Image = "app:1" }, elector];
        }

        return deleting ? Deleting(pod) : pod;
    }

    private static V1Pod Finished(V1Pod pod)
    {
        pod.Status.Phase = "Failed";
        return pod;
    }

    private static V1Pod Deleting(V1Pod pod)
    {
        pod.Metadata.DeletionTimestamp = TestWorkloads.Now.UtcDateTime;
        return pod;
    }

    private static ClusterSnapshot Snapshot(IReadOnlyList<V1Pod> pods, IReadOnlyList<V1Lease> leases) => new(
        new Version(1, 30),
        null,
        new Dictionary<string, V1ClusterRole>(),
        [],
        [],
        [new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), pods)], leases, [])]);
}
