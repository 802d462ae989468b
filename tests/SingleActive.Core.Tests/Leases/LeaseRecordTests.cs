using SingleActive.Core.Leases;

namespace SingleActive.Core.Tests.Leases;

public sealed class LeaseRecordTests
{
    [Fact]
    public void SameElection_OnlyResourceVersionDiffers_IsTheSame()
    {
        var a = new LeaseRecord("web-0", 15, null, DateTimeOffset.UnixEpoch, 1, "1");

        Assert.True(LeaseRecord.SameElection(a, a with { ResourceVersion = "2" }));
        Assert.False(LeaseRecord.SameElection(a, a with { RenewTime = DateTimeOffset.UnixEpoch.AddSeconds(2) }));
        Assert.False(LeaseRecord.SameElection(a, null));
        Assert.True(LeaseRecord.SameElection(null, null));
    }

    [Fact]
    public void SameElection_OnlyOperatorAnnotationsDiffer_IsTheSame()
    {
        var a = new LeaseRecord("web-0", 15, null, DateTimeOffset.UnixEpoch, 1, "1", Controls: LeaseControls.None);

        // Pausing or asking for a handover says nothing about the holder being alive: no expiry clock restarts.
        Assert.True(LeaseRecord.SameElection(a, a with { Controls = new LeaseControls("web-1", Paused: true) }));
    }

    [Theory]
    [InlineData("9", "10", true)]
    [InlineData("10", "9", false)]
    [InlineData("10", "10", false)]
    [InlineData("x", "10", false)]
    public void IsOlderThan_ResourceVersions_ComparedAsIntegers(string mine, string theirs, bool older)
    {
        var a = new LeaseRecord("web-0", 15, null, null, 1, mine);

        Assert.Equal(older, a.IsOlderThan(a with { ResourceVersion = theirs }));
    }

    [Theory]
    [InlineData("42", 42UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("-1", null)]
    [InlineData(" 7", null)]
    [InlineData("a1", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void RevisionOf_OnlyAPlainUnsignedInteger(string? resourceVersion, ulong? revision)
    {
        Assert.Equal(revision, LeaseRecord.RevisionOf(resourceVersion));
    }

    [Fact]
    public void IsRelease_HolderClearedWithOneSecond_OnlyThatIsARelease()
    {
        Assert.True(new LeaseRecord(null, LeaseRecord.ReleasedLeaseDurationSeconds, null, null, 1).IsRelease);
        Assert.False(new LeaseRecord(null, 15, null, null, 1).IsRelease);
        Assert.False(new LeaseRecord("web-0", 1, null, null, 1).IsRelease);
    }
}
