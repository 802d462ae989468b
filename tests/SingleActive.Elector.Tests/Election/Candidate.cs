using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Tests.Leases;
using SingleActive.Elector.Tests.PodDeletion;

namespace SingleActive.Elector.Tests.Election;

/// <summary>One replica in an <see cref="ElectionCluster"/>: its elector, watcher, connection and app.</summary>
public sealed class Candidate
{
    internal Candidate(string identity, LeaderElector elector, InMemoryLeaseClient client, RecordingObserver observer, FakeAppHealth health, ElectorMetrics metrics, SkewedTimeProvider clock, LeadershipReporter? reporter)
    {
        Reporter = reporter;
        Identity = identity;
        Elector = elector;
        Client = client;
        Observer = observer;
        Health = health;
        Metrics = metrics;
        Clock = clock;
    }

    public string Identity { get; }

    public LeaderElector Elector { get; }

    public InMemoryLeaseClient Client { get; }

    public RecordingObserver Observer { get; }

    public FakeAppHealth Health { get; }

    public ElectorMetrics Metrics { get; }

    /// <summary>Readiness mode with fencing (a cluster with pods): Events and the previous holder's fence.</summary>
    public LeadershipReporter? Reporter { get; }

    /// <summary>What the operator controls told this replica (a cluster with candidate pods).</summary>
    public RecordingOperatorObserver? OperatorObserver { get; init; }
    /// <summary>Watches this replica's own pod for its deletion (a cluster with <see cref="ElectionCluster.OwnPods"/>).</summary>
    public OwnPodWatcher? PodWatcher { get; internal set; }

    /// <summary>The connection <see cref="PodWatcher"/> lists and watches through.</summary>
    public InMemoryPodClient? PodClient { get; internal set; }

    /// <summary>
    /// The Lease watcher is parked (in its watch, or before its next try), has returned, or is held in a hanging call of
    /// its own (its calls carry the replica's stop token): from its start until its watch is open it is busy, so a test
    /// never moves the clock past a write it has yet to see. Once the replica is stopped only its return counts (see
    /// <see cref="StoppedWatcherIdle"/>).
    /// </summary>
    internal bool LeaseWatcherIdle => LeaseWatcher is null || StoppedWatcherIdle(LeaseWatcherRun, LeaseWatcher.IsIdle || Client.IsParkedInHangOf(Stop.Token, with: true));

    /// <summary>Feeds the Lease's states to <see cref="Elector"/>, once started.</summary>
    internal LeaseWatcher? LeaseWatcher { get; set; }

    /// <summary>The Lease watcher's loop, once started: complete once it has returned.</summary>
    internal Task LeaseWatcherRun { get; set; } = Task.CompletedTask;

    /// <summary>No pod watcher, or it is parked or has returned (once the replica is stopped: has returned, see <see cref="StoppedWatcherIdle"/>).</summary>
    internal bool PodWatcherIdle => PodWatcher is null || StoppedWatcherIdle(PodWatcherRun, PodWatcher.IsIdle);

    /// <summary>No reporter, or it is parked with nothing due or has returned.</summary>
    internal bool ReporterIdle => Reporter is null || ReporterRun.IsCompleted || Reporter.IsIdle;

    /// <summary>This replica's own clock: shared monotonic time, its own wall-clock offset.</summary>
    public SkewedTimeProvider Clock { get; }

    /// <summary>SIGKILLed: no readiness any more (the container is gone), no release.</summary>
    public bool Killed { get; internal set; }

    public bool IsReady => !Killed && Elector.IsReady;

    internal CancellationTokenSource Stop { get; } = new();

    /// <summary>Every loop of this replica; complete once all have returned.</summary>
    internal Task Running { get; set; } = Task.CompletedTask;

    /// <summary>The election loop alone (<see cref="LeaderElector.RunAsync"/>): complete once it has returned.</summary>
    internal Task ElectorRun { get; set; } = Task.CompletedTask;

    /// <summary>The reporter's loop, when there is one: complete once it has returned.</summary>
    internal Task ReporterRun { get; set; } = Task.CompletedTask;

    /// <summary>The pod watcher's loop, when there is one: complete once it has returned.</summary>
    internal Task PodWatcherRun { get; set; } = Task.CompletedTask;

    /// <summary>
    /// The election loop has returned, is parked in a wait, or is held in a hanging call of its own (not one of the Lease
    /// watcher's, which carry the replica's stop token): nothing it does moves until
    /// fake time does. (A loop that is returning is neither parked nor done yet: only its task says when it is.)
    /// </summary>
    internal bool ElectorIdle => ElectorRun.IsCompleted || Elector.IsIdle || Client.IsParkedInHangOf(Stop.Token, with: false);

    /// <summary>
    /// Nothing of this replica moves until fake time does: <see cref="Running"/> is complete, or each of its loops is
    /// idle and not all have returned (when they all have, <see cref="Running"/> completes on the thread of the last one
    /// just after it: a test that moved the clock in between would see the replica run on a step too long).
    /// </summary>
    internal bool IsSettled => Running.IsCompleted
        || (!(ElectorRun.IsCompleted && LeaseWatcherRun.IsCompleted && ReporterRun.IsCompleted && PodWatcherRun.IsCompleted)
            && ElectorIdle && LeaseWatcherIdle && ReporterIdle && PodWatcherIdle);

    public override string ToString() => Identity;

    /// <summary>
    /// A watcher of this replica is idle when it has returned or, until the replica is stopped, when it is
    /// <paramref name="parked"/>. A stopped watcher needs no fake time to return (its watch, its pause and a hanging call
    /// of its all end on the stop token), but it still shows parked until the continuation that ends its wait runs on the
    /// thread pool, which under load can come many clock steps later: a test that moved the clock meanwhile saw the
    /// replica run on long after its elector had returned.
    /// </summary>
    private bool StoppedWatcherIdle(Task run, bool parked) => run.IsCompleted || (!Stop.IsCancellationRequested && parked);
}
