using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Election;

/// <summary>Default timings: renew deadline 10 s, retry period 2 s, attempt timeout 3.3 s.</summary>
public sealed class ReleaseWritesTests
{
    private static readonly ElectionSettings Settings = new("a", ElectionTimings.Default);
    private static readonly LeaseRecord Released = new(null, LeaseRecord.ReleasedLeaseDurationSeconds, null, null, 1, "12");

    private readonly FakeTimeProvider time = new();
    private readonly ElectorMetrics metrics = new();
    private readonly WakeSignal wake;
    private readonly ReleaseWrites releases;
    private int attempts;

    public ReleaseWritesTests()
    {
        wake = new WakeSignal(time);
        releases = new ReleaseWrites(Settings, time, wake, metrics, NullLogger.Instance);
    }

    [Fact]
    public async Task WriteAsync_FailureThatMayPass_TriedAgainAfterAPause()
    {
        var writing = releases.WriteAsync(Failing(new KubeApiException(HttpStatusCode.ServiceUnavailable, "503")), "shutting_down", time.GetTimestamp(), CancellationToken.None);
        Assert.False(writing.IsCompleted); // paused

        time.Advance(ReleasePacing.FirstPause);

        Assert.Equal((Released, (string?)null), await writing);
        Assert.Equal(2, attempts);
        Assert.Equal(1, metrics.ApiErrors("release"));
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task WriteAsync_Refused_GivenUpAtOnceWithTheError(HttpStatusCode status)
    {
        var (written, failure) = await releases.WriteAsync(Failing(new KubeApiException(status, $"{(int)status} refused")), "handed_over", time.GetTimestamp(), CancellationToken.None);

        Assert.Null(written);
        Assert.Equal($"{(int)status} refused", failure);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task WriteAsync_Conflict_GivenUpAtOnce()
    {
        var (written, failure) = await releases.WriteAsync(Failing(new LeaseConflictException("changed since resourceVersion 11")), "handed_over", time.GetTimestamp(), CancellationToken.None);

        Assert.Null(written);
        Assert.Equal("changed since resourceVersion 11", failure);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task WriteAsync_LeaseNoLongerNamesThisReplica_NothingWrittenAndNoFailure()
    {
        Assert.Equal(((LeaseRecord?)null, (string?)null), await releases.WriteAsync(_ => Task.FromResult<LeaseRecord?>(null), "app_unhealthy", time.GetTimestamp(), CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_StillFailingAtTheRenewDeadline_GivesUpSayingHowOftenItTried()
    {
        var start = time.GetTimestamp();
        time.Advance(Settings.Timings.RenewDeadline - TimeSpan.FromSeconds(1));
        var attemptsAt = new List<double>();

        var writing = releases.WriteAsync(
            _ =>
            {
                attemptsAt.Add(time.GetElapsedTime(start).TotalSeconds);
                throw new HttpRequestException("connection refused");
            },
            "pod_deleting",
            start,
            CancellationToken.None);
        while (!writing.IsCompleted)
        {
            // Time moves only while the writer is parked in its pause: every step it takes happens at the time it is due.
            await WaitUntilAsync(() => wake.IsParked || writing.IsCompleted);
            if (!writing.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
            }
        }

        var (written, failure) = await writing;
        Assert.Null(written);
        Assert.Equal("gave up after 4 attempt(s) within the renew deadline: connection refused", failure);
        Assert.Equal([9.0, 9.2, 9.6, 9.8], attemptsAt.Select(at => Math.Round(at, 2))); // pauses of 200 and 400 ms, then one shortened to leave 200 ms
    }

    private static Task WaitUntilAsync(Func<bool> condition) => Eventually.UntilAsync(condition, TimeSpan.FromSeconds(10), "the writer neither paused nor finished");

    /// <summary>The first attempt fails with <paramref name="failure"/>, the next one writes <see cref="Released"/>.</summary>
    private Func<CancellationToken, Task<LeaseRecord?>> Failing(Exception failure) => _ =>
        ++attempts == 1 ? Task.FromException<LeaseRecord?>(failure) : Task.FromResult<LeaseRecord?>(Released);
}
