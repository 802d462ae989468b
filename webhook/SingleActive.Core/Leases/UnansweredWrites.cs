namespace SingleActive.Core.Leases;

/// <summary>
/// The writes one replica sent and never heard back about (the attempt timed out, the connection dropped), until a state
/// of the Lease shows whether the API server applied them: the new terms it tried to start while not leading, and the
/// renews of its current term, each with the monotonic time it was decided at (before it was sent). Under sustained
/// write latency above the attempt timeout, every write lands after its attempt was abandoned. Not thread-safe:
/// <see cref="LeaseElection"/> owns it.
/// </summary>
internal sealed class UnansweredWrites(string identity)
{
    /// <summary>How many writes of each kind are kept, the latest: the attempts of one renew deadline, with room to spare.</summary>
    public const int Kept = 8;

    private readonly List<(LeaseRecord Write, long DecidedAt)> newTerms = [];
    private readonly List<(LeaseRecord Write, long DecidedAt)> renews = [];

    public void AddNewTerm(LeaseRecord term, long decidedAt) => Add(newTerms, term, decidedAt);

    /// <summary>
    /// The latest of the new terms that <paramref name="state"/> holds (same holder, epoch and acquire time, to the
    /// microsecond a <c>MicroTime</c> keeps), with the time it was decided at; null when it holds none.
    /// </summary>
    public (LeaseRecord Term, long DecidedAt)? LandedTerm(LeaseRecord? state)
    {
        if (state?.IsHeld != true || state.HolderIdentity != identity)
        {
            return null;
        }

        var index = newTerms.FindLastIndex(t => t.Write.LeaseTransitions == state.LeaseTransitions && SameMicrosecond(state.AcquireTime, t.Write.AcquireTime));
        return index < 0 ? null : newTerms[index];
    }

    /// <summary>A term was won, or someone else's was seen: no new term tried before can be this replica's any more.</summary>
    public void ForgetNewTerms() => newTerms.Clear();

    public void AddRenew(LeaseRecord renew, long decidedAt) => Add(renews, renew, decidedAt);

    /// <summary>
    /// When <paramref name="state"/> holds one of the renews of the term with epoch <paramref name="epoch"/> (same holder
    /// and epoch, and that renew's renew time), the time that renew was decided at; it and every earlier renew are
    /// forgotten. Null when it holds none.
    /// </summary>
    public long? TakeLandedRenew(LeaseRecord? state, int epoch)
    {
        if (state?.IsHeld != true || state.HolderIdentity != identity || state.LeaseTransitions != epoch)
        {
            return null;
        }

        var index = renews.FindLastIndex(r => SameMicrosecond(state.RenewTime, r.Write.RenewTime));
        if (index < 0)
        {
            return null;
        }

        var decidedAt = renews[index].DecidedAt;
        renews.RemoveRange(0, index + 1);
        return decidedAt;
    }

    /// <summary>The term's renews were answered, or the term ended.</summary>
    public void ForgetRenews() => renews.Clear();

    private static void Add(List<(LeaseRecord Write, long DecidedAt)> writes, LeaseRecord write, long decidedAt)
    {
        if (writes.Count == Kept)
        {
            writes.RemoveAt(0);
        }

        writes.Add((write, decidedAt));
    }

    private static bool SameMicrosecond(DateTimeOffset? a, DateTimeOffset? b) =>
        a is { } x && b is { } y && (x - y).Duration() < TimeSpan.FromMicroseconds(1);
}
