using Microsoft.Extensions.Logging;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.PodDeletion;

/// <summary>
/// Whether the handover at deletion start works, as <see cref="OwnPodWatcher"/> last found it: in
/// <c>single_active_elector_deletion_handover</c>, and in the log once per change (a refused list asked again every
/// minute says nothing new). Called only from the watcher's loop.
/// </summary>
internal sealed class HandoverAvailability(string podName, string @namespace, ElectorMetrics metrics, ILogger logger)
{
    private State state;

    private enum State
    {
        Unknown,
        On,
        Forbidden,
        NoPod,
        Failing,
    }

    /// <summary>The pod was listed and its watch is (or may be) open.</summary>
    public void On()
    {
        if (Become(State.On))
        {
            Log.DeletionHandoverOn(logger, podName);
        }
    }

    /// <summary>403 on the list or the watch: the ClusterRole lacks <c>list</c> or <c>watch</c> on pods.</summary>
    public void Forbidden(string error)
    {
        if (Become(State.Forbidden))
        {
            Log.DeletionHandoverForbidden(logger, @namespace, error);
        }
    }

    /// <summary>No pod of this name, or only another one than <c>POD_UID</c> names.</summary>
    public void NoPod(string why)
    {
        if (Become(State.NoPod))
        {
            Log.DeletionHandoverNoPod(logger, podName, @namespace, why);
        }
    }

    /// <summary>The list failed (API server unreachable, timed out).</summary>
    public void Failing(string error)
    {
        if (Become(State.Failing))
        {
            Log.DeletionHandoverFailing(logger, podName, error);
        }
    }

    private bool Become(State next)
    {
        if (next == state)
        {
            return false;
        }

        state = next;
        metrics.DeletionHandover = next == State.On;
        return true;
    }
}
