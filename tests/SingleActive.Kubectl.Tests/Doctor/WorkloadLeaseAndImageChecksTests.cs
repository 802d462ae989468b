using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>Day-2 findings on one workload: failover left paused, and pods still running an older elector after an upgrade.</summary>
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

        if (deleting)
        {
            pod.Metadata.DeletionTimestamp = TestWorkloads.Now.UtcDateTime;
        }

        return pod;
    }

    private static ClusterSnapshot Snapshot(IReadOnlyList<V1Pod> pods, IReadOnlyList<V1Lease> leases) => new(
        new Version(1, 30),
        null,
        new Dictionary<string, V1ClusterRole>(),
        [],
        [],
        [new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), pods)], leases)]);
}
