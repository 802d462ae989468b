using System.Text.Json;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Elector;

/// <summary>
/// Three published electors against the real kube-apiserver: one ready replica at a time, a
/// graceful handover within a second, crash failover within the lease duration, and no second
/// ready replica when the leader loses its API connection while its HTTP stays up.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ElectorHandoverTests(ControlPlaneFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    // Short timings that still satisfy the safety bound with the rendered probe:
    // renew deadline 3 s + period 1 s × threshold 1 + timeout 1 s = 5 s < lease 6 s. (A 2 s renew
    // deadline also fits a 5 s lease, but leaves a loaded CI machine little room for slow renews.)
    private static readonly ElectionTimings Fast = new(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(500));
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

    private readonly List<ElectorProcess> electors = [];
    private string namespaceName = "";

    public async Task InitializeAsync()
    {
        Assert.Empty(Fast.Validate(ReadinessProbeTimings.Default));
        namespaceName = await cluster.CreateNamespaceAsync("elector");
    }

    public async Task DisposeAsync()
    {
        foreach (var elector in this.electors)
        {
            output.WriteLine($"--- {elector.Identity} log (tail)\n{string.Join('\n', elector.Process.ReadLog().Split('\n').TakeLast(15))}");
            await elector.DisposeAsync();
        }
    }

    [Fact]
    public async Task ThreeElectors_OneReadyAlways_GracefulHandoverUnderOneSecond_CrashFailoverWithinLease()
    {
        var sampler = await StartThreeAsync("handover");

        // Steady state: exactly one ready at every sample.
        var steady = new ReadinessSampler(this.electors);
        await steady.SampleForAsync(TimeSpan.FromSeconds(6), Pace);
        Assert.True(steady.Samples.All(s => s.Ready.Length == 1), "not exactly one ready at every sample:\n" + steady.Describe());

        // A label someone put on the Lease survives the leader's renewals (read-modify-write, not overwrite).
        await cluster.Client.CoordinationV1.PatchNamespacedLeaseAsync(
            new V1Patch("""{"metadata":{"labels":{"team":"billing"}}}""", V1Patch.PatchType.MergePatch), "handover", namespaceName);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var lease = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("handover", namespaceName);
        Assert.Equal("billing", lease.Metadata.Labels["team"]);

        // SIGTERM on the leader: another replica is ready within a second, never two at once.
        var leader = await LeaderAsync(sampler);
        var graceful = await TimeUntilAnotherReadyAsync(sampler, leader, () => leader.Process.StopAsync(TimeSpan.FromSeconds(10)));
        output.WriteLine($"graceful handover: {graceful.TotalMilliseconds:F0} ms");
        Assert.True(graceful < TimeSpan.FromSeconds(1), $"graceful handover took {graceful}:\n{sampler.Describe()}");
        Assert.Equal(0, await leader.Process.Exited);

        // SIGKILL on the new leader: the last one takes over within lease duration + 1 s.
        var second = await LeaderAsync(sampler);
        var crash = await TimeUntilAnotherReadyAsync(sampler, second, () => { second.Process.KillNow(); return Task.CompletedTask; });
        output.WriteLine($"crash failover: {crash.TotalMilliseconds:F0} ms");
        Assert.True(crash <= Fast.LeaseDuration + TimeSpan.FromSeconds(1), $"crash failover took {crash}:\n{sampler.Describe()}");

        Assert.True(sampler.MaxReady <= 1, "two replicas were ready at once:\n" + sampler.Describe(200));
        var transitions = (await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("handover", namespaceName)).Spec.LeaseTransitions;
        Assert.Equal(2, transitions);
    }

    [Fact]
    public async Task LeaderCutOffFromApiServer_NeverTwoReady_AndAnotherTakesOver()
    {
        var sampler = await StartThreeAsync("partition");
        var leader = await LeaderAsync(sampler);

        leader.Proxy.Freeze();
        var unready = await sampler.SampleUntilAsync(ready => !ready.Contains(leader.Identity), TimeSpan.FromSeconds(10), Pace);
        var takeover = await sampler.SampleUntilAsync(ready => ready.Length == 1 && ready[0] != leader.Identity, TimeSpan.FromSeconds(15), Pace);
        output.WriteLine($"cut leader unready after {unready?.TotalMilliseconds:F0} ms; another ready {takeover?.TotalMilliseconds:F0} ms later");

        // While cut off, the old leader's HTTP keeps answering (it is the process kubelet's probe target) — with 503.
        Assert.False(leader.Process.HasExited);
        Assert.Contains("\"isLeader\":false", await leader.GetAsync(ElectorHttp.StatusPath), StringComparison.Ordinal);
        Assert.NotNull(unready);
        Assert.True(unready <= Fast.RenewDeadline + TimeSpan.FromMilliseconds(500), $"cut leader stayed ready for {unready}");
        Assert.NotNull(takeover);

        // The link comes back: the old leader rejoins as a standby; still never two.
        leader.Proxy.Reset();
        leader.Proxy.Thaw();
        await sampler.SampleForAsync(TimeSpan.FromSeconds(6), Pace);
        Assert.True(sampler.MaxReady <= 1, "two replicas were ready at once:\n" + sampler.Describe(400));
        Assert.Single(sampler.Samples[^1].Ready);
        Assert.DoesNotContain(leader.Identity, sampler.Samples[^1].Ready);
    }

    [Fact]
    public async Task Leader_RecordsEventsOnItsPod_VisibleInKubectlDescribe()
    {
        // A pod object for the identity, so describe has something to show.
        var pod = await RunningPodAsync("events-0");
        var elector = await ElectorProcess.StartAsync(cluster, namespaceName, "events", "events-0", Fast, pod.Metadata.Uid);
        this.electors.Add(elector);
        var sampler = new ReadinessSampler(this.electors);
        Assert.NotNull(await sampler.SampleUntilAsync(r => r.Length == 1, TimeSpan.FromSeconds(15), Pace));

        await elector.Process.StopAsync(TimeSpan.FromSeconds(10));

        string describe = "";
        for (var i = 0; i < 50 && !describe.Contains("LeadershipLost", StringComparison.Ordinal); i++)
        {
            describe = cluster.Kubectl("describe", "pod", "events-0", "-n", namespaceName).StdOut;
            await Task.Delay(200);
        }

        output.WriteLine(describe);
        Assert.Contains("LeaderElected", describe, StringComparison.Ordinal);
        Assert.Contains("events-0 became leader of Lease", describe, StringComparison.Ordinal);
        Assert.Contains("LeadershipLost", describe, StringComparison.Ordinal);
        Assert.Contains("shutting down; the Lease was released", describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelMode_LeaderLabelledLeader_OthersStandby_HandoverMovesTheLabel()
    {
        var label = new Dictionary<string, string> { [ElectorEnv.Mode] = "label" };
        for (var i = 0; i < 2; i++)
        {
            var pod = await RunningPodAsync($"label-{i}");
            this.electors.Add(await ElectorProcess.StartAsync(cluster, namespaceName, "label", $"label-{i}", Fast, pod.Metadata.Uid, label));
        }

        // Readiness follows health only: both replicas are ready; the role label tells them apart.
        var sampler = new ReadinessSampler(this.electors);
        Assert.NotNull(await sampler.SampleUntilAsync(r => r.Length == 2, TimeSpan.FromSeconds(15), Pace));
        var roles = await RolesEventuallyAsync(r => r.Values.Count(v => v == Labels.Leader) == 1 && r.Values.Count(v => v == Labels.Standby) == 1);
        var leader = this.electors.Single(e => roles[e.Identity] == Labels.Leader);

        await leader.Process.StopAsync(TimeSpan.FromSeconds(10));

        var after = await RolesEventuallyAsync(r => r[leader.Identity] == Labels.Standby && r.Values.Count(v => v == Labels.Leader) == 1);
        Assert.Equal(Labels.Standby, after[leader.Identity]);
    }

    /// <summary>The pod object of an elector run here as a process, its app container running (<see cref="ElectorPodObjects"/>).</summary>
    private async Task<V1Pod> RunningPodAsync(string name)
    {
        await ElectorPodObjects.CreateAsync(cluster.Client, namespaceName, name);
        return await ElectorPodObjects.WriteAppStatusAsync(cluster.Client, namespaceName, name, running: true);
    }

    private async Task<Dictionary<string, string>> RolesEventuallyAsync(Func<Dictionary<string, string>, bool> condition)
    {
        var roles = new Dictionary<string, string>();
        for (var i = 0; i < 100; i++)
        {
            var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(namespaceName);
            roles = pods.Items.Where(p => p.Metadata.Name.StartsWith("label-", StringComparison.Ordinal))
                .ToDictionary(p => p.Metadata.Name, p => p.Metadata.Labels?.TryGetValue(Labels.Role, out var role) == true ? role : "");
            if (roles.Count == 2 && condition(roles))
            {
                return roles;
            }

            await Task.Delay(100);
        }

        Assert.Fail("pod role labels never reached the expected state: " + string.Join(", ", roles.Select(r => $"{r.Key}={r.Value}")));
        return roles;
    }

    private async Task<ReadinessSampler> StartThreeAsync(string lease)
    {
        for (var i = 0; i < 3; i++)
        {
            this.electors.Add(await ElectorProcess.StartAsync(cluster, namespaceName, lease, $"{lease}-{i}", Fast));
        }

        var sampler = new ReadinessSampler(this.electors);
        var elected = await sampler.SampleUntilAsync(ready => ready.Length == 1, TimeSpan.FromSeconds(20), Pace);
        Assert.True(elected is not null, "no elector became ready:\n" + string.Join("\n", this.electors.Select(e => e.Process.ReadLog())));
        return sampler;
    }

    private async Task<ElectorProcess> LeaderAsync(ReadinessSampler sampler)
    {
        var ready = await sampler.SampleAsync();
        var identity = Assert.Single(ready);
        var leader = this.electors.Single(e => e.Identity == identity);
        using var status = JsonDocument.Parse(await leader.GetAsync(ElectorHttp.StatusPath));
        Assert.True(status.RootElement.GetProperty("isLeader").GetBoolean());
        return leader;
    }

    /// <summary>Acts on the leader, then samples every 20 ms until another replica is ready; returns the gap.</summary>
    private static async Task<TimeSpan> TimeUntilAnotherReadyAsync(ReadinessSampler sampler, ElectorProcess leader, Func<Task> act)
    {
        var acting = act(); // the signal is sent synchronously; the sampling clock starts right after
        var took = await sampler.SampleUntilAsync(ready => ready.Length == 1 && ready[0] != leader.Identity, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));
        await acting;
        return took ?? TimeSpan.MaxValue;
    }
}
