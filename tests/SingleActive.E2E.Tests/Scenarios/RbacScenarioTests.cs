using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Issue 4, scenario 7: the elector's account may use Leases and read what it needs, nothing more; a non-automounting custom account still elects.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RbacScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task ElectorAccounts_DefaultAndCustomNoAutomount_LeasesOnlyAndCustomStillElects()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s7-rbac");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(
            Manifests.Service(ns, "web") + "---\n" + Manifests.Deployment(ns, "web", 1, Manifests.OptIn) + "---\n" +
            Manifests.ServiceAccount(ns, "ledger") + "---\n" + Manifests.Service(ns, "ledger") + "---\n" +
            Manifests.Deployment(ns, "ledger", 2, Manifests.OptIn, serviceAccount: "ledger", automountToken: false));

        await scenario.WaitForRunningPodsAsync("ledger", 2, TimeSpan.FromSeconds(30));
        var leader = await scenario.WaitForSingleLeaderAsync("ledger", TimeSpan.FromSeconds(15));
        await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(15));
        var ledgerPods = await scenario.PodsAsync("ledger");
        Assert.All(ledgerPods, pod =>
        {
            Assert.Equal("ledger", pod.Spec.ServiceAccountName);
            Assert.False(pod.Spec.AutomountServiceAccountToken);
        });
        var leaseName = Scenario.ElectorEnvValue(ledgerPods[0], ElectorEnv.LeaseName)!;
        Assert.Equal(leader, await scenario.LeaseHolderAsync(leaseName));

        var webPod = (await scenario.PodsAsync("web")).Single();
        foreach (var account in new[] { webPod.Spec.ServiceAccountName, "ledger" })
        {
            var user = $"system:serviceaccount:{ns}:{account}";
            Assert.Equal("yes", await CanIAsync(user, "get", "leases.coordination.k8s.io"));
            Assert.Equal("yes", await CanIAsync(user, "update", "leases.coordination.k8s.io"));
            Assert.Equal("yes", await CanIAsync(user, "create", "leases.coordination.k8s.io"));
            Assert.Equal("no", await CanIAsync(user, "list", "secrets"));
            Assert.Equal("no", await CanIAsync(user, "create", "pods"));
            Assert.Equal("no", await CanIAsync(user, "delete", "leases.coordination.k8s.io"));

            // Drain-aware handover: its own node (cluster-wide read, through the webhook-kept ClusterRoleBinding) and the
            // workload objects that tell the newest template revision; nothing written.
            Assert.Equal("yes", await CanIAsync(user, "watch", "nodes"));
            Assert.Equal("no", await CanIAsync(user, "patch", "nodes"));
            Assert.Equal("yes", await CanIAsync(user, "get", "replicasets.apps"));
            Assert.Equal("no", await CanIAsync(user, "update", "deployments.apps"));
        }
    }

    private async Task<string> CanIAsync(string user, string verb, string resource)
    {
        var (_, stdout, stderr) = await cluster.KubectlAsync("auth", "can-i", verb, resource, "--as", user, "-n", ScenarioNamespaceOf(user));
        output.WriteLine($"$ kubectl auth can-i {verb} {resource} --as {user}: {stdout.Trim()}{stderr.Trim()}");
        return stdout.Trim();
    }

    private static string ScenarioNamespaceOf(string user) => user.Split(':')[2];
}
