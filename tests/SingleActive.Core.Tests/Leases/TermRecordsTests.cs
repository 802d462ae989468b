using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Leases;

namespace SingleActive.Core.Tests.Leases;

public sealed class TermRecordsTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Desired_Renew_KeepsTheTermWritesThisReplicasDurationAndTheRenewTime()
    {
        var records = new TermRecords("web-1", 15, new LeaseObservation(time), time);
        var acquired = time.GetUtcNow();
        var controls = new LeaseControls(PreferredHolder: "web-2");
        var own = new LeaseRecord("web-1", 30, acquired, acquired, 4, "9", PreviousHolder: "web-0", Controls: controls);
        time.Advance(TimeSpan.FromSeconds(2));

        var renew = records.Desired(own, leadingNow: true, previousHolder: "ignored", _ => LeaseControls.None);

        Assert.True(records.Continues(own, leadingNow: true));
        Assert.Equal(own with { LeaseDurationSeconds = 15, RenewTime = time.GetUtcNow() }, renew);
    }

    [Fact]
    public void Desired_NewTerm_EpochAboveEverySeenNowSuccessorAsGivenWithTheNewTermsControls()
    {
        var seen = new LeaseObservation(time);
        var records = new TermRecords("web-1", 15, seen, time);
        seen.Record(new LeaseRecord("web-0", 30, null, time.GetUtcNow(), 9, "10"));
        // Deleted and created anew by someone else, at a lower epoch: a new term still goes above every epoch seen.
        var held = new LeaseRecord("web-5", 30, time.GetUtcNow().AddMinutes(-5), time.GetUtcNow(), 6, "12", Controls: new LeaseControls(Paused: true));
        seen.Record(held);
        time.Advance(TimeSpan.FromSeconds(30));

        var taken = records.Desired(held, leadingNow: false, "web-7", _ => LeaseControls.None);

        Assert.False(records.Continues(held, leadingNow: false));
        Assert.Equal(new LeaseRecord("web-1", 15, time.GetUtcNow(), time.GetUtcNow(), 10, "12", "web-7", LeaseControls.None), taken);
        // Without a rule for a new term's controls, the Lease's own stay.
        Assert.Equal(held.Controls, records.Desired(held, leadingNow: false, "web-7").Controls);
    }

    [Fact]
    public void Desired_OwnNameButNotLeading_StartsANewTerm()
    {
        var seen = new LeaseObservation(time);
        var records = new TermRecords("web-1", 15, seen, time);
        var beforeRestart = new LeaseRecord("web-1", 15, time.GetUtcNow().AddMinutes(-5), time.GetUtcNow().AddSeconds(-20), 3, "8");
        seen.Record(beforeRestart);

        var restarted = records.Desired(beforeRestart, leadingNow: false, "web-1");

        Assert.False(records.Continues(beforeRestart, leadingNow: false));
        Assert.Equal((4, time.GetUtcNow(), "web-1"), (restarted.LeaseTransitions, restarted.AcquireTime, restarted.PreviousHolder));
    }

    [Fact]
    public void Released_ClearsTheHolderForOneSecondNamesTheReleaserKeepsTheEpochAndVersion()
    {
        var records = new TermRecords("web-1", 15, new LeaseObservation(time), time);
        var own = new LeaseRecord("web-1", 15, time.GetUtcNow(), time.GetUtcNow(), 3, "7", PreviousHolder: "web-0");
        time.Advance(TimeSpan.FromSeconds(1));

        var released = records.Released(own);

        Assert.Equal(own with { HolderIdentity = null, LeaseDurationSeconds = LeaseRecord.ReleasedLeaseDurationSeconds, RenewTime = time.GetUtcNow(), PreviousHolder = "web-1" }, released);
        Assert.True(released.IsRelease);
    }
}
