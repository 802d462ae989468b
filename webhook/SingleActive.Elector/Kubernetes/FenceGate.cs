using SingleActive.Elector.Election;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// The <see cref="IReadinessGate"/> the reporter opens once a term's fence is done (or none is
/// needed). Keyed by epoch rather than a flag: every term has a new epoch, so a term starts closed
/// without anyone having to close it, and a fence finishing late for a term already over cannot
/// open the next one.
/// </summary>
public sealed class FenceGate : IReadinessGate
{
    private int openEpoch = -1;

    public bool IsOpen(int epoch) => Volatile.Read(ref openEpoch) == epoch;

    public void Open(int epoch)
    {
        // Epochs only grow; an older term never reopens over a newer one.
        int seen;
        while ((seen = Volatile.Read(ref openEpoch)) < epoch && Interlocked.CompareExchange(ref openEpoch, epoch, seen) != seen)
        {
        }
    }
}
