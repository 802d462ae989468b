using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Leases;

namespace SingleActive.Core.Tests.Leases;

public sealed class LeaseElectionTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Allows_HolderRenewTimeAnHourOld_WaitsAFullLeaseDurationFromWhenItWasSeen()
    {
        var election = new LeaseElection("web-1", Duration, time);
        var stale = new LeaseRecord("web-0", 15, null, time.GetUtcNow().AddHours(-1), 1, "1");
        election.Observe(stale);

        time.Advance(Duration - TimeSpan.FromMilliseconds(1));
        Assert.False(election.Allows(stale, leadingNow: false));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(election.Allows(stale, leadingNow: false));
    }

    [Fact]
    public void Allows_HolderRenews_ExpiryRestartsFromTheChange()
    {
        var election = new LeaseElection("web-1", Duration, time);
        election.Observe(new LeaseRecord("web-0", 15, null, time.GetUtcNow(), 1, "1"));
        time.Advance(TimeSpan.FromSeconds(10));
        var renewed = new LeaseRecord("web-0", 15, null, time.GetUtcNow(), 1, "2");
        election.Observe(renewed);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(election.Allows(renewed, leadingNow: false));
    }

    /// <summary>
    /// etcd restored from a snapshot while the leader keeps renewing: every read is older than the last state seen
    /// before the restore. Ignored as late, they froze the time of the last change and a standby took the live term for
    /// expired; now the first is a rewind seen now and the renewals after it are changes, so the term never looks
    /// expired while it is renewed, and expires a lease duration after the renewals stop.
    /// </summary>
    [Fact]
    public void Allows_StoreRestoredFromASnapshotWhileTheLeaderRenews_NeverExpiredWhileRenewed()
    {
        var election = new LeaseElection("web-1", Duration, time);
        election.Observe(new LeaseRecord("web-0", 15, null, time.GetUtcNow(), 4, "1000"));

        LeaseRecord? read = null;
        for (var revision = 50; revision < 60; revision++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            read = new LeaseRecord("web-0", 15, null, time.GetUtcNow(), 4, revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var change = election.Observe(read, election.Seen.Count);
            Assert.Equal(revision == 50 ? LeaseChange.Rewound : LeaseChange.Recorded, change);
            Assert.False(election.Allows(read, leadingNow: false));
        }

        time.Advance(Duration - TimeSpan.FromMilliseconds(1));
        Assert.False(election.Allows(read, leadingNow: false));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(election.Allows(read, leadingNow: false));
        Assert.Equal(5, election.Desired(read, leadingNow: false, "web-0").LeaseTransitions);
    }

    /// <summary>Restored to a released Lease while a leader held it: nobody takes it before that term would have expired, counted from the restore.</summary>
    [Fact]
    public void Allows_StoreRestoredToAReleaseWhileALeaderHeldIt_WaitsALeaseDurationFromTheRestore()
    {
        var election = new LeaseElection("web-1", Duration, time);
        election.Observe(new LeaseRecord("web-0", 15, null, time.GetUtcNow(), 4, "1000"));
        time.Advance(TimeSpan.FromSeconds(30));
        var released = new LeaseRecord(null, 1, null, null, 3, "50", PreviousHolder: "web-2");

        Assert.Equal(LeaseChange.Rewound, election.Observe(released, election.Seen.Count));

        Assert.False(election.Allows(released, leadingNow: false));
        time.Advance(Duration - TimeSpan.FromMilliseconds(1));
        Assert.False(election.Allows(released, leadingNow: false));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(election.Allows(released, leadingNow: false));
    }

    [Fact]
    public void Allows_OwnIdentityThisProcessDidNotWrite_WaitsLikeAnyoneElse()
    {
        var election = new LeaseElection("web-0", Duration, time);
        var restarted = new LeaseRecord("web-0", 15, null, time.GetUtcNow(), 4, "1");
        election.Observe(restarted);

        Assert.False(election.Allows(restarted, leadingNow: false));
        time.Advance(Duration);
        Assert.True(election.Allows(restarted, leadingNow: false));
        Assert.Equal(5, election.Desired(restarted, leadingNow: false, "web-0").LeaseTransitions);
    }

    [Fact]
    public void UnacknowledgedOwnTerm_TheTermThisProcessTriedToStart_RecognisedAsStoredToTheMicrosecond()
    {
        var election = new LeaseElection("web-1", Duration, time);
        time.Advance(TimeSpan.FromTicks(1234567)); // a wall clock with sub-microsecond ticks, which a MicroTime cuts off
        var tried = election.Desired(new LeaseRecord(null, 1, null, null, 3, "7", PreviousHolder: "web-0"), leadingNow: false, "web-0");
        election.Unanswered.AddNewTerm(tried);
        var stored = tried with { AcquireTime = Truncated(tried.AcquireTime!.Value), RenewTime = Truncated(tried.RenewTime!.Value), ResourceVersion = "8" };

        Assert.Same(tried, election.Unanswered.LandedTerm(stored)?.Term);
        Assert.Null(election.Unanswered.LandedTerm(stored with { LeaseTransitions = 5 })?.Term); // a later term under this name
        Assert.Null(election.Unanswered.LandedTerm(stored with { AcquireTime = stored.AcquireTime!.Value.AddMilliseconds(1) })?.Term); // not this write
        Assert.Null(election.Unanswered.LandedTerm(stored with { HolderIdentity = "web-2" })?.Term);
        Assert.False(election.Allows(stored, leadingNow: false)); // the plain rule still waits it out

        election.Observe(new LeaseRecord("web-2", 15, time.GetUtcNow(), time.GetUtcNow(), 5, "9"));
        Assert.Null(election.Unanswered.LandedTerm(stored)?.Term); // someone else's term came after it
    }

    /// <summary>Two takeover attempts abandoned in a row: the first one's write may be the one that lands (the second conflicts).</summary>
    [Fact]
    public void LandedOwnTerm_TheEarlierOfTwoAbandonedAttemptsLands_RecognisedWithWhenItWasDecided()
    {
        var election = new LeaseElection("web-1", Duration, time);
        var free = new LeaseRecord(null, 1, null, null, 3, "7", PreviousHolder: "web-0");
        election.Observe(free);
        var decidedAt = time.GetTimestamp();
        var first = election.Desired(free, leadingNow: false, "web-0");
        election.Unanswered.AddNewTerm(first);
        time.Advance(TimeSpan.FromSeconds(3.3));
        election.Unanswered.AddNewTerm(election.Desired(free, leadingNow: false, "web-0"));
        time.Advance(TimeSpan.FromSeconds(1.2));
        var landed = first with { ResourceVersion = "8" };

        Assert.Equal(LeaseChange.OwnTermLanded, election.Observe(landed));

        Assert.Equal((landed, first, decidedAt), election.LandedOwnTerm());
        Assert.Same(first, election.Unanswered.LandedTerm(landed)?.Term);
        election.Won(landed, decidedAt);
        Assert.Null(election.LandedOwnTerm());
    }

    /// <summary>A landed term is taken up only while it is fresh: the window counts from when its attempt was decided, not from when it was seen.</summary>
    [Fact]
    public void LandedOwnTerm_Within_CountsFromTheDecision()
    {
        var election = new LeaseElection("web-1", Duration, time);
        var free = new LeaseRecord(null, 1, null, null, 3, "7", PreviousHolder: "web-0");
        election.Observe(free);
        var tried = election.Desired(free, leadingNow: false, "web-0");
        election.Unanswered.AddNewTerm(tried);
        time.Advance(TimeSpan.FromSeconds(4));
        election.Observe(tried with { ResourceVersion = "8" });

        Assert.NotNull(election.LandedOwnTerm(TimeSpan.FromSeconds(5)));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(election.LandedOwnTerm(TimeSpan.FromSeconds(5)));
        Assert.NotNull(election.LandedOwnTerm());
    }

    [Fact]
    public void UnacknowledgedOwnTerm_AfterTheTermWasWon_Null()
    {
        var election = new LeaseElection("web-1", Duration, time);
        var tried = election.Desired(null, leadingNow: false, null);
        election.Unanswered.AddNewTerm(tried);

        election.Won(tried with { ResourceVersion = "1" }, time.GetTimestamp());

        Assert.Null(election.Unanswered.LandedTerm(tried)?.Term);
    }

    /// <summary>
    /// A renew whose attempt was abandoned is seen written later (watch, read after a conflict): the term counts as renewed
    /// from when that renew was decided, and the next write starts from the state seen (its resourceVersion).
    /// </summary>
    [Fact]
    public void Observe_AnAbandonedRenewSeenWritten_RenewsTheTermFromWhenItWasDecided()
    {
        var election = new LeaseElection("web-0", Duration, time);
        var own = new LeaseRecord("web-0", 15, time.GetUtcNow(), time.GetUtcNow(), 3, "7");
        election.Won(own, time.GetTimestamp());
        time.Advance(TimeSpan.FromTicks(20_001_234)); // 2 s and sub-microsecond ticks, which a MicroTime cuts off
        var decidedAt = time.GetTimestamp();
        var renew = election.Desired(own, leadingNow: true, previousHolder: null);
        election.Unanswered.AddRenew(renew);
        time.Advance(TimeSpan.FromSeconds(4)); // the attempt was abandoned at its timeout; the write lands now
        var landed = renew with { RenewTime = Truncated(renew.RenewTime!.Value), ResourceVersion = "8" };

        Assert.Equal(LeaseChange.OwnRenewLanded, election.Observe(landed));

        Assert.Same(landed, election.Own);
        Assert.Equal(decidedAt, election.LastRenewStart);
        Assert.True(election.RenewedWithin(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Only this replica's own unanswered renews of this term count: not another renew time, epoch or holder, nor one already answered.</summary>
    [Fact]
    public void Observe_NoUnansweredRenewOfThisTerm_Recorded()
    {
        var election = new LeaseElection("web-0", Duration, time);
        var own = new LeaseRecord("web-0", 15, time.GetUtcNow(), time.GetUtcNow(), 3, "7");
        election.Won(own, time.GetTimestamp());
        var wonAt = election.LastRenewStart;
        time.Advance(TimeSpan.FromSeconds(2));
        var renew = election.Desired(own, leadingNow: true, previousHolder: null);
        election.Unanswered.AddRenew(renew);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(LeaseChange.Recorded, election.Observe(renew with { RenewTime = renew.RenewTime!.Value.AddMilliseconds(1), ResourceVersion = "8" }));
        Assert.Equal(LeaseChange.Recorded, election.Observe(renew with { LeaseTransitions = 4, ResourceVersion = "9" }));
        Assert.Equal(wonAt, election.LastRenewStart);

        var answered = renew with { ResourceVersion = "10" };
        election.Renewed(answered, time.GetTimestamp());
        Assert.Equal(LeaseChange.Recorded, election.Observe(answered)); // the watch event of an answered renew
    }

    /// <summary>A renew that lands after this replica stepped down does not make it lead again: it waits that term out like anyone's.</summary>
    [Fact]
    public void Observe_AnAbandonedRenewLandsAfterTheStepDown_NotTakenUp()
    {
        var election = new LeaseElection("web-0", Duration, time);
        var own = new LeaseRecord("web-0", 15, time.GetUtcNow(), time.GetUtcNow(), 3, "7");
        election.Won(own, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(2));
        var renew = election.Desired(own, leadingNow: true, previousHolder: null);
        election.Unanswered.AddRenew(renew);
        time.Advance(TimeSpan.FromSeconds(10));
        election.StepDown(mayRetake: false);

        Assert.Equal(LeaseChange.Recorded, election.Observe(renew with { ResourceVersion = "8" }));

        Assert.False(election.IsLeading);
        Assert.Null(election.LandedOwnTerm());
        Assert.False(election.Allows(election.Seen.Current, leadingNow: false));
    }

    private static DateTimeOffset Truncated(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    [Fact]
    public void Allows_ReleasedLease_AtOnce()
    {
        var election = new LeaseElection("web-1", Duration, time);
        election.Observe(new LeaseRecord("web-0", 15, null, null, 1, "1"));
        var released = new LeaseRecord(null, LeaseRecord.ReleasedLeaseDurationSeconds, null, null, 1, "2", PreviousHolder: "web-0");
        election.Observe(released);

        Assert.True(election.Allows(released, leadingNow: false));
    }

    [Fact]
    public void Allows_LeaseDeletedUnderATerm_WaitsThatTermOut()
    {
        var election = new LeaseElection("web-1", Duration, time);
        election.Observe(new LeaseRecord("web-0", 15, null, null, 1, "1"));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(LeaseChange.TermOutlivesLease, election.Observe(null));
        Assert.False(election.Allows(null, leadingNow: false));
        Assert.Equal(TimeSpan.FromSeconds(10), election.UntilTermExpires());

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(election.Allows(null, leadingNow: false));
        Assert.Equal(2, election.Desired(null, leadingNow: false, "web-0").LeaseTransitions);
    }

    [Fact]
    public void Allows_LeaderSeesItsNameWithAnotherEpoch_MayNotRenew()
    {
        var election = new LeaseElection("web-0", Duration, time);
        election.Won(new LeaseRecord("web-0", 15, null, null, 1, "1"), time.GetTimestamp());

        Assert.True(election.Allows(new LeaseRecord("web-0", 15, null, null, 1, "2"), leadingNow: true));
        Assert.False(election.Allows(new LeaseRecord("web-0", 15, null, null, 2, "3"), leadingNow: true));
    }

    [Fact]
    public void StepDown_MayRetake_TakesItsOwnRemovedTermBackAtOnce()
    {
        var election = new LeaseElection("web-0", Duration, time);
        election.Won(new LeaseRecord("web-0", 15, null, null, 1, "1"), time.GetTimestamp());
        election.Observe(null);

        election.StepDown(mayRetake: true);

        Assert.False(election.IsLeading);
        Assert.True(election.Allows(null, leadingNow: false));
    }

    [Fact]
    public void Observe_SomeoneElsesTerm_EndsTheRightToRetake()
    {
        var election = new LeaseElection("web-0", Duration, time) { MayRetake = true };

        Assert.Equal(LeaseChange.OtherHolder, election.Observe(new LeaseRecord("web-1", 15, null, null, 2, "5")));
        Assert.False(election.MayRetake);
    }

    [Fact]
    public void ExpiryOf_HolderWroteALongerDuration_TheLongerCounts()
    {
        var election = new LeaseElection("web-0", Duration, time);

        Assert.Equal(TimeSpan.FromSeconds(30), election.ExpiryOf(new LeaseRecord("web-1", 30, null, null, 1)));
        Assert.Equal(Duration, election.ExpiryOf(new LeaseRecord("web-1", 5, null, null, 1)));
    }

    [Fact]
    public void Desired_Renew_KeepsTheTermAndMovesRenewTime()
    {
        var election = new LeaseElection("web-0", Duration, time);
        var acquired = time.GetUtcNow();
        var own = new LeaseRecord("web-0", 15, acquired, acquired, 3, "7", PreviousHolder: "web-2");
        election.Won(own, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(2));

        var renew = election.Desired(own, leadingNow: true, previousHolder: null);

        Assert.Equal(own with { RenewTime = acquired.AddSeconds(2) }, renew);
    }

    [Fact]
    public void Desired_NewTerm_ControlsFromTheCallback()
    {
        var election = new LeaseElection("web-1", Duration, time);
        var released = new LeaseRecord(null, 1, null, null, 1, "2", Controls: new LeaseControls("web-1"));

        var taken = election.Desired(released, leadingNow: false, "web-0", _ => LeaseControls.None);

        Assert.Equal(LeaseControls.None, taken.Controls);
        Assert.Equal("web-0", taken.PreviousHolder);
        Assert.Equal(2, taken.LeaseTransitions);
        Assert.Equal("2", taken.ResourceVersion);
    }

    [Fact]
    public void Released_ClearsTheHolderWithOneSecondAndNamesTheReleaser()
    {
        var election = new LeaseElection("web-0", Duration, time);

        var released = election.Released(new LeaseRecord("web-0", 15, null, null, 3, "7"));

        Assert.True(released.IsRelease);
        Assert.Equal("web-0", released.PreviousHolder);
        Assert.Equal(3, released.LeaseTransitions);
        Assert.Equal("7", released.ResourceVersion);
    }

    [Fact]
    public void RenewedWithin_LastRenewStartOlderThanTheWindow_False()
    {
        var election = new LeaseElection("web-0", Duration, time);
        election.Won(new LeaseRecord("web-0", 15, null, null, 1, "1"), time.GetTimestamp());

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(election.RenewedWithin(TimeSpan.FromSeconds(11)));
        Assert.False(election.RenewedWithin(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void OwnTermAsSeen_LeaseLastSeenWithAnotherEpoch_Null()
    {
        var election = new LeaseElection("web-0", Duration, time);
        var own = new LeaseRecord("web-0", 15, null, null, 1, "1");
        election.Won(own, time.GetTimestamp());
        Assert.Equal(own, election.OwnTermAsSeen());

        election.Observe(own with { LeaseTransitions = 2, ResourceVersion = "2" });

        Assert.Null(election.OwnTermAsSeen());
    }
}
