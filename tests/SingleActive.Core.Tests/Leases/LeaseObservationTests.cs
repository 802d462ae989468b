using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Leases;

namespace SingleActive.Core.Tests.Leases;

public sealed class LeaseObservationTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public void Record_OnlyResourceVersionMoved_ChangedAtStays()
    {
        var seen = new LeaseObservation(time);
        var held = new LeaseRecord("web-0", 15, null, DateTimeOffset.UnixEpoch, 1, "1");
        seen.Record(held);
        var first = seen.ChangedAt;

        time.Advance(TimeSpan.FromSeconds(5));
        seen.Record(held with { ResourceVersion = "2" });

        Assert.Equal(first, seen.ChangedAt);
        Assert.Equal("2", seen.Current!.ResourceVersion);
    }

    [Fact]
    public void Record_OlderResourceVersion_IgnoredAsALateEvent()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-1", 15, null, null, 2, "10"));

        Assert.False(seen.Record(new LeaseRecord("web-0", 15, null, null, 1, "9")));
        Assert.Equal(("web-1", 0), (seen.Current!.HolderIdentity, seen.Rewinds));
    }

    /// <summary>
    /// A quorum read older than a state taken in before it was sent: etcd was restored from a snapshot. Taken in as a
    /// change seen now (the term starts over), the highest epoch kept; counted.
    /// </summary>
    [Fact]
    public void Record_ReadOlderThanAStateSeenBeforeItWasSent_TakenInAsARewindSeenNow()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-1", 15, null, null, 7, "100"));
        time.Advance(TimeSpan.FromSeconds(30));
        var mark = seen.Count;

        Assert.True(seen.Record(new LeaseRecord("web-1", 15, null, null, 3, "40"), mark));

        Assert.Equal((1, "40", time.GetTimestamp(), time.GetTimestamp()), (seen.Rewinds, seen.Current!.ResourceVersion, seen.ChangedAt, seen.TermSince));
        Assert.Equal(8, seen.NextEpoch(seen.Current));
    }

    /// <summary>
    /// Restored to a state where the Lease was released: the term seen last (its holder may serve until its next renew
    /// fails) keeps running, from now, instead of ending at the release.
    /// </summary>
    [Fact]
    public void Record_RewindToARelease_TheTermSeenLastRunsFromNow()
    {
        var seen = new LeaseObservation(time);
        var held = new LeaseRecord("web-1", 15, null, null, 7, "100");
        seen.Record(held);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(seen.Record(new LeaseRecord(null, 1, null, null, 6, "40", PreviousHolder: "web-0"), seen.Count));

        Assert.Equal((1, held, time.GetTimestamp()), (seen.Rewinds, seen.Term, seen.TermSince));
        Assert.Equal("web-1", seen.PreviousHolderOf(seen.Current)); // not the restored release's web-0: web-1 may still serve
    }

    /// <summary>Older than a state taken in while the read was on its way: the read crossed it, nothing went back in time.</summary>
    [Fact]
    public void Record_ReadOlderThanAStateTakenInWhileItWasOnItsWay_IgnoredAsLate()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-1", 15, null, null, 7, "100"));
        var mark = seen.Count;
        seen.Record(new LeaseRecord("web-1", 15, null, null, 7, "101"));

        Assert.False(seen.Record(new LeaseRecord("web-1", 15, null, null, 7, "99"), mark));
        Assert.Equal((0, "101"), (seen.Rewinds, seen.Current!.ResourceVersion));
    }

    [Fact]
    public void Record_AbsenceReadBeforeANewerStateArrived_IgnoredAsPossiblyOlder()
    {
        // The watch's first GET is sent, this replica creates the Lease and takes in its answer, then the GET's 404 arrives.
        var seen = new LeaseObservation(time);
        var mark = seen.Count;
        seen.Record(new LeaseRecord("web-0", 15, null, null, 0, "5"));

        Assert.False(seen.Record(null, mark));
        Assert.Equal("web-0", seen.Current!.HolderIdentity);
    }

    [Fact]
    public void Record_AbsenceReadWithNothingTakenInMeanwhile_Recorded()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-0", 15, null, null, 0, "5"));
        var mark = seen.Count;

        Assert.True(seen.Record(null, mark));
        Assert.Null(seen.Current);
    }

    [Fact]
    public void Record_AbsenceFromTheWatch_AlwaysRecorded()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-0", 15, null, null, 0, "5"));

        Assert.True(seen.Record(null));
        Assert.Null(seen.Current);
    }

    [Fact]
    public void Record_DeletedWhileHeld_TermKeepsRunningFromWhenItWasSeen()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-0", 15, null, null, 3, "1"));
        var since = seen.TermSince;

        time.Advance(TimeSpan.FromSeconds(2));
        seen.Record(null);

        Assert.Null(seen.Current);
        Assert.Equal("web-0", seen.Term!.HolderIdentity);
        Assert.Equal(since, seen.TermSince);
        Assert.Equal(4, seen.NextEpoch(null));
    }

    [Fact]
    public void Record_Release_EndsTheTermAndKeepsTheLastHolder()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-0", 15, null, null, 3, "1"));

        seen.Record(new LeaseRecord(null, LeaseRecord.ReleasedLeaseDurationSeconds, null, null, 3, "2", PreviousHolder: "web-0"));

        Assert.Null(seen.Term);
        Assert.Equal("web-0", seen.LastHolder);
    }

    [Fact]
    public void NextEpoch_NothingEverSeen_StartsAtZero()
    {
        Assert.Equal(0, new LeaseObservation(time).NextEpoch(null));
    }

    [Fact]
    public void PreviousHolderOf_ReleasedLease_NamesTheReleaser()
    {
        var seen = new LeaseObservation(time);
        seen.Record(new LeaseRecord("web-0", 15, null, null, 1, "1"));

        Assert.Equal("web-2", seen.PreviousHolderOf(new LeaseRecord(null, 1, null, null, 1, "3", PreviousHolder: "web-2")));
        Assert.Equal("web-1", seen.PreviousHolderOf(new LeaseRecord("web-1", 15, null, null, 2, "4")));
        Assert.Equal("web-0", seen.PreviousHolderOf(null));
    }
}
