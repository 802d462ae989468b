namespace SingleActive.Elector.Election;

/// <summary>Why a replica stopped leading; the names appear in logs, Events and metrics.</summary>
public enum LeadershipLossReason
{
    /// <summary>No renew succeeded within the renew deadline (API server unreachable or too slow).</summary>
    RenewDeadlineExceeded,

    /// <summary>Another replica holds the Lease now (seen on a renew conflict).</summary>
    LeaseTaken,

    /// <summary>The Lease was deleted, or its holder cleared, by someone else.</summary>
    LeaseRemoved,

    /// <summary>The app failed its health check too many times in a row; the Lease was released.</summary>
    AppUnhealthy,

    /// <summary>SIGTERM: the Lease was released for a quick handover.</summary>
    ShuttingDown,

    /// <summary>An operator asked for a directed handover (<c>single-active.io/preferred-holder</c>); the Lease was released to the chosen replica.</summary>
    HandedOver,
    /// <summary>The pod's deletion started (before SIGTERM, see <c>PodDeletion.OwnPodWatcher</c>): the Lease was released for a quick handover.</summary>
    PodDeleting,
}
