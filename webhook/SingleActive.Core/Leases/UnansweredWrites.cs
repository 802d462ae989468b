namespace SingleActive.Core.Leases;

/// <summary>
/// The writes one replica sent and never heard back about (the attempt timed out, the connection dropped), until a state
/// of the Lease shows whether the API server applied them: the new terms it tried to start while not leading, and the
/// renews of its current term, each with the monotonic time it was decided at, before it was sent (every other replica
/// saw it land no earlier). Under sustained write latency above the attempt timeout, every write lands after its attempt
/// was abandoned. Part of <see cref="LeaseElection"/>, which forgets what a won term or someone else's makes moot; not
/// thread-safe either.
/// </summary>
public sealed class UnansweredWrites
{
    /// <summary>How many writes of each kind are kept, the latest: the attempts of one renew deadline, with room to spare.</summary>
    public const int Kept = 8;

    private readonly string identity;
    private readonly TimeProvider time;
    private readonly List<(LeaseRecord Write, long DecidedAt)> newTerms = [];
    private readonly List<(LeaseRecord Write, long DecidedAt)> renews = [];

    internal UnansweredWrites(string identity, TimeProvider time) => (this.identity, this.time) = (identity, time);

    /// <summary>This replica, not leading, is about to write <paramref name="term"/> to start a term, decided now (see <see cref="LandedTerm"/>).</summary>
    public void AddNewTerm(LeaseRecord term)
    {
        ArgumentNullException.ThrowIfNull(term);
        Add(newTerms, term);
    }

    /// <summary>
    /// The term <paramref name="state"/> holds when it is one this replica tried to start and never heard back about
    /// (same holder, epoch and acquire time, to the microsecond a <c>MicroTime</c> keeps): its own write landed, with
    /// when that write was decided. Such a term is this replica's to take up, not a stranger's to wait out (a lease
    /// duration with no leader at all, since every other replica waits it out too); client-go gets the same from
    /// comparing the holder it reads with its own identity. Null for anything else. Meaningless while leading.
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

    /// <summary>
    /// This replica, leading, is about to send <paramref name="renew"/>, decided now. Should the attempt be abandoned (its
    /// timeout) while the API server still applies the write, the next state seen that carries it (the watch, the read
    /// after a conflict) renews the term as of now (<see cref="LeaseChange.OwnRenewLanded"/>), instead of the term
    /// running out while the Lease shows it renewed and nobody may lead. client-go gets through the same latency by
    /// giving one renew the whole renew deadline.
    /// </summary>
    public void AddRenew(LeaseRecord renew)
    {
        ArgumentNullException.ThrowIfNull(renew);
        Add(renews, renew);
    }

    /// <summary>A term was won, or someone else's was seen: no new term tried before can be this replica's any more.</summary>
    internal void ForgetNewTerms() => newTerms.Clear();

    /// <summary>
    /// When <paramref name="state"/> holds one of the renews of the term with epoch <paramref name="epoch"/> (same holder
    /// and epoch, and that renew's renew time), the time that renew was decided at; it and every earlier renew are
    /// forgotten. Null when it holds none.
    /// </summary>
    internal long? TakeLandedRenew(LeaseRecord? state, int epoch)
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
    internal void ForgetRenews() => renews.Clear();

    private static bool SameMicrosecond(DateTimeOffset? a, DateTimeOffset? b) =>
        a is { } x && b is { } y && (x - y).Duration() < TimeSpan.FromMicroseconds(1);

    private void Add(List<(LeaseRecord Write, long DecidedAt)> writes, LeaseRecord write)
    {
        if (writes.Count == Kept)
        {
            writes.RemoveAt(0);
        }

        writes.Add((write, time.GetTimestamp()));
    }
}
