using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.Health;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Succession;
using SingleActive.Elector.Tests.Kubernetes;
using SingleActive.Elector.Tests.Leases;
using SingleActive.Elector.Tests.PodDeletion;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// Several electors on one fake clock and one in-memory Lease. Time moves only when the test says
/// so; after each small step the cluster is left to settle (every loop parked, every watch event
/// handled) before anything is asserted, so runs are deterministic. Given <see cref="Pods"/>, every
/// replica runs in readiness mode with its <see cref="LeadershipReporter"/>, which fences the
/// previous holder's pod there before the replica turns ready. Given <see cref="CandidatePods"/>, every replica has
/// a pod there, advertises its candidacy on it, and heeds the operator's handover requests and pause. Given
/// <see cref="OwnPods"/>, every replica has a pod there (uid <c>uid-&lt;identity&gt;</c>) and watches it with an
/// <see cref="OwnPodWatcher"/>; with <see cref="Pods"/> too (readiness mode) a voluntary release waits for the pod's
/// kubelet, as <see cref="OwnPods"/> shows it (<see cref="OwnPodReadiness"/>); with <c>followAppContainers</c>,
/// leadership also follows whether the app containers that pod shows run (<see cref="AppContainersHealth"/>).
/// </summary>
public sealed class ElectionCluster : IAsyncDisposable
{
    public static readonly ElectionTimings FastTimings = new(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));

    private readonly List<Candidate> candidates = [];
    private readonly int seed;
    private readonly bool followAppContainers;

    public ElectionCluster(ElectionTimings? timings = null, int seed = 1, RecordingPodApi? pods = null, FakeCandidatePods? candidatePods = null, InMemoryPodServer? ownPods = null, FakeWorkloadRevisions? revisions = null, bool followAppContainers = false)
    {
        Timings = timings ?? ElectionTimings.Default;
        this.seed = seed;
        Pods = pods;
        CandidatePods = candidatePods;
        Revisions = revisions ?? new FakeWorkloadRevisions();
        OwnPods = ownPods;
        this.followAppContainers = followAppContainers && ownPods is not null;
    }

    /// <summary>The replicas' pods for directed handovers, when the operator controls are on.</summary>
    public FakeCandidatePods? CandidatePods { get; }

    /// <summary>The pods' template revisions the leaders' succession planners read.</summary>
    public FakeWorkloadRevisions Revisions { get; }

    /// <summary>The pods' API (Ready conditions, fences, Events), when the replicas fence.</summary>
    public RecordingPodApi? Pods { get; }

    /// <summary>The pods the replicas watch for their own deletion, when they do.</summary>
    public InMemoryPodServer? OwnPods { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public InMemoryLeaseServer Server { get; } = new();

    public ElectionTimings Timings { get; }

    public IReadOnlyList<Candidate> Candidates => candidates;

    public IEnumerable<Candidate> Ready => candidates.Where(c => c.IsReady);

    /// <summary>The invariant every test checks after every step.</summary>
    public int MaxReadySeen { get; private set; }

    public Candidate Add(string identity, ElectionTimings? timings = null, bool start = true)
    {
        var clock = new SkewedTimeProvider(Time);
        var client = Server.Connect();
        var health = new FakeAppHealth();
        var metrics = new ElectorMetrics();
        var reporter = Pods is null ? null : new LeadershipReporter(Pods, "ns", identity, "uid-" + identity, "ns/lease", "lease", ElectorMode.Readiness, clock, (timings ?? Timings).RetryPeriod, metrics, NullLogger.Instance);
        var observer = new RecordingObserver(reporter);
        CandidatePods?.Add(identity);
        var operatorObserver = CandidatePods is null ? null : new RecordingOperatorObserver(identity, CandidatePods);
        var ownPod = OwnPods is null || Pods is null ? null : new OwnPodReadiness(clock);
        var appContainers = followAppContainers ? new AppContainersHealth(clock, NullLogger.Instance) : null;
        var elector = new LeaderElector(
            new ElectionSettings(identity, timings ?? Timings),
            client,
            clock,
            appContainers is null ? health : new AllAppHealth(health, appContainers),
            observer,
            metrics,
            NullLogger.Instance,
            new Random(seed + candidates.Count),
            reporter?.ReadinessGate,
            operatorObserver is null ? null : new OperatorSupport(CandidatePods!, operatorObserver, new SuccessionPlanner(CandidatePods!, Revisions, null, DrainRules.Default, identity)),
            ownPod);
        var candidate = new Candidate(identity, elector, client, observer, health, metrics, clock, reporter) { OperatorObserver = operatorObserver };
        if (OwnPods is { } ownPods)
        {
            ownPods.Create(identity, "uid-" + identity);
            candidate.PodClient = ownPods.Connect(identity);
            candidate.PodWatcher = new OwnPodWatcher(candidate.PodClient, elector, identity, "uid-" + identity, "ns", clock, (timings ?? Timings).RetryPeriod, metrics, NullLogger.Instance, ownPod, appContainers);
        }

        appContainers?.Attach(elector.Wake);
        candidates.Add(candidate);
        if (start)
        {
            Start(candidate);
        }

        return candidate;
    }

    public void Start(Candidate candidate)
    {
        var watcher = candidate.LeaseWatcher = new LeaseWatcher(candidate.Client, candidate.Elector, candidate.Clock, Timings, candidate.Metrics, NullLogger.Instance);
        candidate.ElectorRun = Task.Run(() => candidate.Elector.RunAsync(candidate.Stop.Token));
        candidate.ReporterRun = candidate.Reporter is { } reporter ? Task.Run(() => reporter.RunAsync(candidate.Stop.Token)) : Task.CompletedTask;
        candidate.PodWatcherRun = candidate.PodWatcher is { } podWatcher ? Task.Run(() => podWatcher.RunAsync(candidate.Stop.Token)) : Task.CompletedTask;
        candidate.LeaseWatcherRun = Task.Run(() => watcher.RunAsync(candidate.Stop.Token));
        candidate.Running = Task.WhenAll(candidate.ElectorRun, candidate.LeaseWatcherRun, candidate.ReporterRun, candidate.PodWatcherRun);
    }

    /// <summary>Lets every loop and watch event run to its next wait; fails the test if they never do.</summary>
    public async Task SettleAsync()
    {
        // The idle signals are exact (a loop parks only in its wait; a watch event counts as
        // pending until its consumer asks for the next one), so two quiet looks in a row suffice;
        // yielding first keeps a step to microseconds when nothing is in flight.
        var stable = 0;
        for (var i = 0; i < 20000; i++)
        {
            var idle = Server.PendingDeliveries == 0 && (OwnPods?.PendingDeliveries ?? 0) == 0
                && candidates.All(c => c.Killed || c.IsSettled);
            stable = idle ? stable + 1 : 0;
            if (stable >= 2)
            {
                Observe();
                return;
            }

            if (i < 50)
            {
                await Task.Yield();
            }
            else
            {
                await Task.Delay(1);
            }
        }

        throw new TimeoutException("the electors did not settle: " + string.Join(", ", candidates.Select(c => $"{c} elector={c.ElectorIdle} lease-watcher={c.LeaseWatcherIdle} reporter={c.ReporterIdle} pod-watcher={c.PodWatcherIdle}")));
    }

    /// <summary>Moves the clock forward in small steps, settling and checking the invariant after each.</summary>
    public async Task AdvanceAsync(TimeSpan total, TimeSpan? step = null)
    {
        var increment = step ?? TimeSpan.FromMilliseconds(50);
        var done = TimeSpan.Zero;
        await SettleAsync();
        while (done < total)
        {
            var next = total - done < increment ? total - done : increment;
            Time.Advance(next);
            done += next;
            await SettleAsync();
        }
    }

    /// <summary>Advances until <paramref name="condition"/> holds; returns the fake time it took.</summary>
    public async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, TimeSpan limit, TimeSpan? step = null)
    {
        var increment = step ?? TimeSpan.FromMilliseconds(50);
        var waited = TimeSpan.Zero;
        await SettleAsync();
        while (!condition())
        {
            if (waited >= limit)
            {
                throw new TimeoutException($"condition not met within {limit} of fake time");
            }

            Time.Advance(increment);
            waited += increment;
            await SettleAsync();
        }

        return waited;
    }

    /// <summary>
    /// Graceful stop (SIGTERM): fail readiness, release, exit. The clock moves only while the elector waits for something
    /// that takes time (its kubelet's view of its pod, which this cluster's pod server reports only when a test says so:
    /// the release waits up to <see cref="OwnPodReadiness.CatchUpLimit"/>); an elector that exits at once finds it unmoved.
    /// </summary>
    public async Task StopAsync(Candidate candidate)
    {
        await candidate.Stop.CancelAsync();
        await SettleAsync();
        for (var waited = TimeSpan.Zero; !candidate.Running.IsCompleted && waited < TimeSpan.FromSeconds(30); waited += TimeSpan.FromMilliseconds(100))
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            await SettleAsync();
        }

        await candidate.Running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGKILL: the process is gone at once, nothing is released.</summary>
    public async Task KillAsync(Candidate candidate)
    {
        candidate.Killed = true;
        candidate.Client.Fault = LeaseFault.Fail;
        await candidate.Stop.CancelAsync();
        await SettleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var candidate in candidates)
        {
            candidate.Client.Fault = LeaseFault.Fail;
            await candidate.Stop.CancelAsync();
        }

        // Every release now fails and is tried again within the renew deadline, each pause a timer on this fake clock
        // set when the attempt before it failed: one jump would fire only the timers already set. The clock moves on a
        // second at a time until every loop has returned (or 10 s of real time, when a test left one stuck).
        var all = Task.WhenAll(candidates.Select(c => c.Running));
        var waited = Stopwatch.StartNew();
        while (!all.IsCompleted && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(all, Task.Delay(10));
        }

        foreach (var candidate in candidates)
        {
            candidate.Stop.Dispose();
        }

        // A loop that never returns after SIGTERM, or that ends in an error, is a failure of the test that ran it.
        if (!all.IsCompleted)
        {
            throw new TimeoutException("still running 10 s after every replica was stopped: " + string.Join(", ", candidates.Where(c => !c.Running.IsCompleted)));
        }

        if (all.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is { } failure)
        {
            throw new InvalidOperationException("a replica's loop failed", failure);
        }
    }

    private void Observe() => MaxReadySeen = Math.Max(MaxReadySeen, Ready.Count());
}
