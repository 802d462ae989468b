using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// Observers hear "elected" and "lost" in the order they happened, even when the Lease's deletion is seen on the
/// watch thread in the instant between a win and its notification (label mode would otherwise leave a standby
/// labelled leader: its standby label queued before the leader label).
/// </summary>
public sealed class LeaderElectorNotificationOrderTests
{
    [Fact]
    public async Task Observe_DeletionWhileTheWinIsBeingAnnounced_LostIsHeardAfterElected()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var server = new InMemoryLeaseServer();
        var observer = new RecordingObserver();
        using var announcing = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        var logger = new BlockingOnElectedLogger(announcing, proceed);
        var elector = new LeaderElector(new ElectionSettings("a", ElectionCluster.FastTimings), server.Connect(), time, new FakeAppHealth(), observer, new ElectorMetrics(), logger, new Random(1));
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => elector.RunAsync(stop.Token));

        // The win is announced (the leader log line comes between the state change and the observer): hold it there.
        Assert.True(announcing.Wait(TimeSpan.FromSeconds(10)), "never elected");
        var deletion = Task.Run(() => elector.Observe(null));
        await Task.Delay(200);
        proceed.Set();
        await deletion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["elected:0:-", "lost:LeaseRemoved:-"], observer.Changes.Take(2));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Blocks the thread that logs the first "became leader" line until told to go on.</summary>
    private sealed class BlockingOnElectedLogger(ManualResetEventSlim announcing, ManualResetEventSlim proceed) : ILogger
    {
        private int blocked;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 2 && Interlocked.Exchange(ref blocked, 1) == 0)
            {
                announcing.Set();
                proceed.Wait(TimeSpan.FromSeconds(10));
            }
        }
    }
}
