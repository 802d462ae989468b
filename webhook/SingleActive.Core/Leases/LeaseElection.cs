namespace SingleActive.Core.Leases;

/// <summary>
/// One replica's part in the election of one Lease: what it has seen and when (<see cref="Seen"/>), the term it
/// holds (<see cref="Own"/>), and the rules of client-go's leader election as this project tightens them — may it
/// write now (<see cref="Allows"/>), and what (<see cref="Desired"/>, <see cref="Released"/>). The elector's
/// campaign and the webhook's certificate-writer lock both decide with it; <see cref="TermRecords"/> builds the records,
/// <see cref="LeaseRound"/> does the I/O.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> Only the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) decides anything. A holder
/// is gone when this process has seen no change to the Lease for the lease duration, timed from the moment it saw
/// the last change (client-go's <c>observedTime</c>), never by comparing the holder's <c>renewTime</c> with the local
/// wall clock: clocks of two nodes disagree, and a wall clock can jump.</para>
/// <para>Not thread-safe: the owner serialises every call (the elector under its lock).</para>
/// </remarks>
public sealed class LeaseElection
{
    private readonly TimeProvider time;
    private readonly TermRecords records;

    /// <param name="identity">This replica's holder identity (the pod name).</param>
    /// <param name="leaseDuration">The lease duration this replica writes, whole seconds (a fraction is cut off).</param>
    /// <param name="time">The clock: <see cref="TimeProvider.GetTimestamp"/> for expiry, <see cref="TimeProvider.GetUtcNow"/> only for the informational times written.</param>
    public LeaseElection(string identity, TimeSpan leaseDuration, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        ArgumentNullException.ThrowIfNull(time);
        Identity = identity;
        LeaseDurationSeconds = (int)leaseDuration.TotalSeconds;
        this.time = time;
        Seen = new LeaseObservation(time);
        Unanswered = new UnansweredWrites(identity, time);
        records = new TermRecords(identity, LeaseDurationSeconds, Seen, time);
    }

    public string Identity { get; }

    /// <summary>The lease duration this replica writes, in seconds.</summary>
    public int LeaseDurationSeconds { get; }

    /// <summary>What this replica has seen of the Lease, and when.</summary>
    public LeaseObservation Seen { get; }

    /// <summary>The record this replica last wrote for its current term; <c>null</c> when it does not lead.</summary>
    public LeaseRecord? Own { get; private set; }

    public bool IsLeading => Own is not null;

    /// <summary>The epoch (leaseTransitions) of this replica's latest term; kept after the term ends (<c>null</c>: never led).</summary>
    public int? OwnEpoch { get; private set; }

    /// <summary>Monotonic timestamp of the start of the last successful acquire or renew.</summary>
    public long LastRenewStart { get; private set; }

    /// <summary>
    /// This replica may start its next term at once instead of waiting out its own last one: it stepped down
    /// because its Lease was removed under a fresh term, or its handover release failed. Nobody else can hold a
    /// newer term meanwhile (every other replica waits that term out). Cleared by a new term, won or seen.
    /// </summary>
    public bool MayRetake { get; set; }

    /// <summary>The new terms and the renews this replica sent without an answer, which may still have been applied.</summary>
    public UnansweredWrites Unanswered { get; }

    /// <summary>
    /// The Lease as last seen when it holds a term this replica tried to start and never heard back about
    /// (<see cref="UnansweredWrites.LandedTerm"/>), with that attempt's write and when it was decided. Null for anything
    /// else, and while this replica leads.
    /// </summary>
    /// <param name="within">Only a term whose attempt was decided less than this long ago (monotonic); <c>null</c>: any.</param>
    public (LeaseRecord State, LeaseRecord Tried, long DecidedAt)? LandedOwnTerm(TimeSpan? within = null) =>
        !IsLeading && Seen.Current is { } state && Unanswered.LandedTerm(state) is { } landed && (within is null || time.GetElapsedTime(landed.DecidedAt) < within)
            ? (state, landed.Term, landed.DecidedAt)
            : null;

    /// <summary>
    /// Takes in a state of the Lease: one known to be current when it arrives (a write's answer, a watch event), or one a
    /// read returned, sent when <see cref="LeaseObservation.Count"/> was <paramref name="countBeforeRead"/>
    /// (<see cref="LeaseObservation.Record(LeaseRecord?, long)"/>).
    /// </summary>
    /// <returns>
    /// What it meant; <see cref="LeaseChange.Stale"/> when it is (for a read: may be) older than one already seen and was
    /// ignored, <see cref="LeaseChange.Rewound"/> when a read shows the store went back in time.
    /// </returns>
    public LeaseChange Observe(LeaseRecord? record, long? countBeforeRead = null)
    {
        var before = Seen.Current;
        var term = Seen.Term;
        var rewinds = Seen.Rewinds;
        if (!(countBeforeRead is { } mark ? Seen.Record(record, mark) : Seen.Record(record)))
        {
            return LeaseChange.Stale;
        }

        if (Seen.Rewinds != rewinds)
        {
            // What was seen is void: a term of someone else's in the restored state is theirs, as after any change of holder.
            if (record?.IsHeld == true && record.HolderIdentity != Identity)
            {
                MayRetake = false;
                Unanswered.ForgetNewTerms();
            }

            return LeaseChange.Rewound;
        }

        if (Own is not null && Unanswered.TakeLandedRenew(record, Own.LeaseTransitions) is { } landed)
        {
            Own = record;
            LastRenewStart = Math.Max(LastRenewStart, landed);
            return LeaseChange.OwnRenewLanded;
        }

        if (!IsLeading && Unanswered.LandedTerm(record) is not null)
        {
            return LeaseChange.OwnTermLanded;
        }

        if (record?.IsHeld == true && record.HolderIdentity != before?.HolderIdentity && record.HolderIdentity != Identity)
        {
            // Someone else's term: whatever this replica may have retaken, or tried to start, is theirs now.
            MayRetake = false;
            Unanswered.ForgetNewTerms();
            return LeaseChange.OtherHolder;
        }

        return record?.IsHeld != true && record?.IsRelease != true && before?.IsHeld == true && term is not null
            ? LeaseChange.TermOutlivesLease
            : LeaseChange.Recorded;
    }

    /// <summary>
    /// A leader may renew a record that still carries its own term; anyone else must wait for the holder to expire.
    /// That includes a record naming this very identity while this process does not lead: a restarted container
    /// waits one lease duration (no longer than a standby would), and two processes given the same identity by
    /// mistake can never both lead. An absent or cleared Lease is free after a release; otherwise the term seen last
    /// runs on until it would have expired (<see cref="LeaseObservation"/>), unless this process led it and stepped
    /// down (<see cref="MayRetake"/>).
    /// </summary>
    public bool Allows(LeaseRecord? current, bool leadingNow)
    {
        if (current?.IsHeld == true && current.HolderIdentity == Identity)
        {
            if (leadingNow)
            {
                // Same name but another term: someone else with our identity took it.
                return Own is null || Own.LeaseTransitions == current.LeaseTransitions;
            }

            if (MayRetake && current.LeaseTransitions == OwnEpoch)
            {
                return true; // The term this process stepped down from (a late event said it was removed).
            }
        }

        if (current?.IsHeld == true)
        {
            return Seen.HasObserved && time.GetElapsedTime(Seen.ChangedAt) >= ExpiryOf(current);
        }

        return MayRetake || Seen.Term is not { } term || time.GetElapsedTime(Seen.TermSince) >= ExpiryOf(term);
    }

    /// <summary>
    /// How long after its last seen change <paramref name="record"/>'s term expires: the longer of this replica's
    /// lease duration and the one the holder wrote (the holder's renew deadline was validated against its own
    /// duration, ours against ours).
    /// </summary>
    public TimeSpan ExpiryOf(LeaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return TimeSpan.FromSeconds(Math.Max(record.LeaseDurationSeconds, LeaseDurationSeconds));
    }

    /// <summary>Time left until the term seen last expires (also one that outlives its deleted or cleared Lease); <c>null</c> when none runs.</summary>
    public TimeSpan? UntilTermExpires() =>
        Seen.Term is { } term ? ExpiryOf(term) - time.GetElapsedTime(Seen.TermSince) : null;

    /// <summary>The Lease as last seen while it still carries this replica's current term (its identity and epoch), else <c>null</c>.</summary>
    public LeaseRecord? OwnTermAsSeen() =>
        IsLeading && Seen.Current is { } current && current.HolderIdentity == Identity && current.LeaseTransitions == OwnEpoch ? current : null;

    /// <inheritdoc cref="TermRecords.Continues"/>
    public bool Continues(LeaseRecord? current, bool leadingNow) => records.Continues(current, leadingNow);

    /// <inheritdoc cref="TermRecords.Desired"/>
    public LeaseRecord Desired(LeaseRecord? current, bool leadingNow, string? previousHolder, Func<LeaseRecord?, LeaseControls?>? controlsOfNewTerm = null) =>
        records.Desired(current, leadingNow, previousHolder, controlsOfNewTerm);

    /// <inheritdoc cref="TermRecords.Released"/>
    public LeaseRecord Released(LeaseRecord current) => records.Released(current);

    /// <summary>A write won a new term; <paramref name="attemptStart"/> is the monotonic timestamp the attempt started at.</summary>
    public void Won(LeaseRecord record, long attemptStart)
    {
        ArgumentNullException.ThrowIfNull(record);
        Own = record;
        OwnEpoch = record.LeaseTransitions;
        MayRetake = false;
        Unanswered.ForgetNewTerms();
        Unanswered.ForgetRenews();
        LastRenewStart = attemptStart;
        Observe(record);
    }

    /// <summary>A renew succeeded; <paramref name="attemptStart"/> is the monotonic timestamp the attempt started at.</summary>
    public void Renewed(LeaseRecord record, long attemptStart)
    {
        ArgumentNullException.ThrowIfNull(record);
        Own = record;
        LastRenewStart = attemptStart;
        Unanswered.ForgetRenews();
        Observe(record);
    }

    /// <summary>This replica wrote its own term again without renewing it (the operator's annotations): the next write starts from it.</summary>
    public void Rewrote(LeaseRecord written)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (Own?.LeaseTransitions == written.LeaseTransitions)
        {
            Own = written;
        }
    }

    /// <summary>The last successful renew started less than <paramref name="window"/> ago (and this replica leads).</summary>
    public bool RenewedWithin(TimeSpan window) => IsLeading && time.GetElapsedTime(LastRenewStart) < window;

    /// <summary>Stops leading. <paramref name="mayRetake"/>: see <see cref="MayRetake"/>.</summary>
    public void StepDown(bool mayRetake)
    {
        MayRetake = mayRetake;
        Own = null;
        Unanswered.ForgetRenews();
    }
}
