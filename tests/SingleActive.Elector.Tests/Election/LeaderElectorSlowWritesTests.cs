using SingleActive.Contract;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// Lease writes that the API server applies slowly (a slow etcd disk): each attempt is abandoned at the attempt timeout
/// (a third of the renew deadline, 3.3 s) and its write lands later all the same (<c>InMemoryLeaseClient.SlowWrites</c>).
/// </summary>
public sealed class LeaderElectorSlowWritesTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    /// <summary>Above the attempt timeout, below half the renew deadline: 4.5 s.</summary>
    private static readonly TimeSpan Latency = new ElectionSettings("a", ElectionTimings.Default).AttemptTimeout + TimeSpan.FromSeconds(1.2);

    /// <summary>
    /// Every renew attempt is abandoned and lands after all. The leader takes each landed renew from the watch and leads
    /// on, Ready throughout; before, every renew ran out the deadline while the Lease showed it renewed, and nobody led
    /// (the standby waits the renewed term out).
    /// </summary>
    [Fact]
    public async Task RunAsync_WritesSlowerThanTheAttemptTimeout_TheLeaderLeadsOn()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await TwoReplicasAsync(cluster, Latency);
        var writesBefore = a.Client.Writes;

        Assert.True(await ReadyThroughoutAsync(cluster, a, TimeSpan.FromSeconds(60)));

        Assert.Equal(["elected:0:-"], a.Observer.Changes);
        Assert.Empty(b.Observer.Changes);
        Assert.True(a.Client.Writes - writesBefore >= 60 / 5, $"{a.Client.Writes - writesBefore} renews landed in 60 s");
    }

    /// <summary>
    /// The leader dies: the standby's takeover lands after its attempt was abandoned, its watch shows it, and it leads in
    /// that term and on. Was: each next round found its own term and wrote a newer one over it (or, having tried two,
    /// waited its own out): nobody led while the latency lasted.
    /// </summary>
    [Fact]
    public async Task RunAsync_WritesSlowerThanTheAttemptTimeout_AStandbyTakesOverAndLeadsOn()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await TwoReplicasAsync(cluster, Latency);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.True(a.IsReady);

        await cluster.KillAsync(a);
        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(40), Step);

        // Bound: a's last renew lands up to the latency after a died, b waits the lease duration from seeing it, takes
        // the Lease at its next round (a jittered retry period at most) and sees its write land the latency later.
        var bound = Latency + ElectionTimings.Default.LeaseDuration + (ElectionTimings.Default.RetryPeriod * ElectionTimings.RetryJitterFactor) + Latency;
        Assert.True(waited <= bound, $"b led {waited} after a died (bound {bound})");
        Assert.True(await ReadyThroughoutAsync(cluster, b, TimeSpan.FromSeconds(30)));
        Assert.Single(b.Observer.Changes);
        Assert.Equal(1, cluster.MaxReadySeen);
        var lease = cluster.Server.Current!;
        Assert.Equal(("b", "a"), (lease.HolderIdentity, lease.PreviousHolder));
        Assert.All(cluster.Server.History.Where(r => r?.HolderIdentity == "b"), r => Assert.Equal(lease.LeaseTransitions, r!.LeaseTransitions)); // led in the term that landed, none written over it
    }

    /// <summary>
    /// The limit: a renew can be decided only once the one before it is seen written, and must land within the renew
    /// deadline of that one's decision, so writes slower than half the renew deadline (here 6 s) end the term. Never two
    /// replicas serving meanwhile (the cluster checks it at every step).
    /// </summary>
    [Fact]
    public async Task RunAsync_WritesSlowerThanHalfTheRenewDeadline_TheTermEndsAndNeverTwoServe()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, _) = await TwoReplicasAsync(cluster, TimeSpan.FromSeconds(6));

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(60), Step);

        Assert.Contains(a.Observer.Changes, change => change.StartsWith("lost:", StringComparison.Ordinal));
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    /// <summary>
    /// The watch shows each renew a second before its answer comes (under the attempt timeout, as when the answer and the
    /// watch event travel on different connections): the write is the attempt's own, so nothing is ended or abandoned,
    /// nothing is counted as an error, and the leader renews at its usual pace, no extra round woken.
    /// </summary>
    [Fact]
    public async Task RunAsync_WatchShowsARenewBeforeItsAnswer_TheAttemptWaitsForIt()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(Step);
        a.Client.SlowWrites(TimeSpan.Zero, cluster.Time, answerDelay: TimeSpan.FromSeconds(1));
        var writesBefore = a.Client.Writes;

        Assert.True(await ReadyThroughoutAsync(cluster, a, TimeSpan.FromSeconds(30)));

        Assert.Equal(0, a.Client.AbandonedWrites);
        Assert.Equal(0, a.Metrics.ApiErrors("update"));
        Assert.InRange(a.Client.Writes - writesBefore, 14, 16); // one renew a retry period (2 s), in 30 s
    }

    /// <summary>a leads, b stands by; from then on every write of both takes <paramref name="latency"/>.</summary>
    private static async Task<(Candidate A, Candidate B)> TwoReplicasAsync(ElectionCluster cluster, TimeSpan latency)
    {
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(Step);
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(Step);
        a.Client.SlowWrites(latency, cluster.Time);
        b.Client.SlowWrites(latency, cluster.Time);
        return (a, b);
    }

    private static async Task<bool> ReadyThroughoutAsync(ElectionCluster cluster, Candidate candidate, TimeSpan duration)
    {
        var ready = true;
        for (var waited = TimeSpan.Zero; waited < duration; waited += Step)
        {
            await cluster.AdvanceAsync(Step);
            ready &= candidate.IsReady;
        }

        return ready;
    }
}
