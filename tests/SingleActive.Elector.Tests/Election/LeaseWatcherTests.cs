using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

public sealed class LeaseWatcherTests
{
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLeaseServer server = new();
    private readonly ElectorMetrics metrics = new();

    /// <summary>
    /// Idle (what the cluster tests settle on) only while it waits: for the watch's next event once the watch is open,
    /// or for its next try after a failure; not from its start until the watch is open (was: never tracked, so a test
    /// could move the clock past a write the watch was about to be opened for, and the leader missed its own renew).
    /// </summary>
    [Fact]
    public async Task IsIdle_OnlyWhileWaitingForAnEventOrForTheNextTry()
    {
        var client = server.Connect();
        var elector = new LeaderElector(new ElectionSettings("web-0", ElectionTimings.Default), client, time, new FakeAppHealth(), new RecordingObserver(), metrics, NullLogger.Instance);
        var watcher = new LeaseWatcher(client, elector, time, ElectionTimings.Default, metrics, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        Assert.False(watcher.IsIdle);

        var running = watcher.RunAsync(stop.Token); // the read and the opening complete at once here
        Assert.True(watcher.IsIdle);
        Assert.Equal(1, server.WatcherCount);

        client.Fault = LeaseFault.Fail;
        server.Put(new LeaseRecord("web-1", 15, null, null, 0, null)); // the event breaks the watch
        await Eventually.UntilAsync(() => metrics.ApiErrors(ApiOperation.Watch.Label()) == 1 && watcher.IsIdle, TestLimit, "the broken watch was not followed by a pause");
        Assert.Equal(0, server.WatcherCount);

        client.Fault = LeaseFault.None;
        time.Advance(ElectionTimings.Default.RetryPeriod);
        await Eventually.UntilAsync(() => server.WatcherCount == 1 && watcher.IsIdle, TestLimit, "the watch was not opened again");

        await stop.CancelAsync();
        await running.WaitAsync(TestLimit);
    }
}
