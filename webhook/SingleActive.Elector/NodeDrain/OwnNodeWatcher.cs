using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.NodeDrain;

/// <summary>
/// Watches this elector's own node (<c>NODE_NAME</c>) and tells the election whether it is about to be drained: cordoned
/// (<c>kubectl cordon</c>, <c>kubectl drain</c>, kured) or carrying a drain taint (the cluster autoscaler, Karpenter;
/// <see cref="DrainRules"/>). A leader then hands over to a standby on another node before any eviction; a
/// standby there stops offering itself (see <see cref="LeaderElector.OnNodeDrainChanged"/>).
/// </summary>
/// <remarks>
/// Needs <c>list</c> and <c>watch</c> on nodes (ClusterRole single-active-elector-node, bound by the cluster-wide
/// binding of the same name the webhook keeps). Without them, or while the node cannot be read, the elector works as
/// before: leadership moves when the pod is evicted. That is said once per change, in the log and as
/// <c>single_active_elector_drain_awareness 0</c>. The last verdict stands while the watch is down.
/// </remarks>
public sealed class OwnNodeWatcher : INamedObjectHandler<NodeSnapshot>
{
    private readonly string nodeName;
    private readonly DrainRules taints;
    private readonly LeaderElector elector;
    private readonly ElectorMetrics metrics;
    private readonly ILogger logger;
    private readonly NamedObjectWatch<NodeSnapshot> watch;
    private Availability availability;
    private NodeDrainState? last;

    public OwnNodeWatcher(INodeApi api, string nodeName, DrainRules taints, LeaderElector elector, TimeProvider time, TimeSpan retryPeriod, ElectorMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        this.nodeName = nodeName;
        this.taints = taints;
        this.elector = elector;
        this.metrics = metrics;
        this.logger = logger;
        watch = new NamedObjectWatch<NodeSnapshot>(ct => api.ListAsync(nodeName, ct), (rv, ct) => api.WatchAsync(nodeName, rv, ct), this, ApiOperation.NodeWatch, time, retryPeriod, metrics);
    }

    private enum Availability
    {
        Unknown,
        On,
        Forbidden,
        NoNode,
        Failing,
    }

    /// <summary>Parked waiting for the API server or its next try (tests use this to let work settle).</summary>
    public bool IsIdle => watch.IsIdle;

    /// <summary>Runs until <paramref name="stop"/> fires.</summary>
    public Task RunAsync(CancellationToken stop) => watch.RunAsync(stop);

    /// <summary>Never: nothing waits for a node to change (a drain that a stalled watch hides is handed over on eviction, as without this).</summary>
    public bool AwaitsChange => false;

    public bool Saw(NodeSnapshot? current, bool listed, bool watchRefused)
    {
        if (current is null || current.Removed)
        {
            if (listed && Become(Availability.NoNode))
            {
                Log.DrainAwarenessNoNode(logger, nodeName);
            }

            return false;
        }

        if (!watchRefused && Become(Availability.On))
        {
            Log.DrainAwarenessOn(logger, nodeName, taints.ToString());
        }

        var state = taints.Evaluate(current);
        if (state != last)
        {
            last = state;
            metrics.NodeDraining = state.Draining;
            Log.NodeDrainChanged(logger, state.Reason, state.Draining ? elector.Status.IsLeader ? "this replica leads: handing over to a standby on another node" : "this standby stays out of the way" : "nothing to do");
            elector.OnNodeDrainChanged(state);
        }

        return false;
    }

    public void Forbidden(string error)
    {
        if (Become(Availability.Forbidden))
        {
            Log.DrainAwarenessForbidden(logger, nodeName, error);
        }
    }

    public void Failed(string error, bool listed)
    {
        Log.NodeWatchEnded(logger, nodeName, error);
        if (!listed && Become(Availability.Failing))
        {
            Log.DrainAwarenessFailing(logger, nodeName, error);
        }
    }

    private bool Become(Availability next)
    {
        if (next == availability)
        {
            return false;
        }

        availability = next;
        metrics.DrainAwareness = next == Availability.On;
        return true;
    }
}
