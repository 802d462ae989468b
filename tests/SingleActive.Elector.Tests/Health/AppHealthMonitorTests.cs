using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Elector.Health;

namespace SingleActive.Elector.Tests.Health;

public sealed class AppHealthMonitorTests
{
    [Fact]
    public async Task CanCampaign_BeforeTheFirstCheck_IsFalse()
    {
        // The first check is held in flight, so the assertions run before it answers however the threads are scheduled.
        var firstAnswer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (monitor, _, _, stop, run) = Start(new ScriptedCheck { Pending = firstAnswer.Task });
        try
        {
            Assert.False(monitor.CanCampaign);
            Assert.Null(monitor.LastCheckPassed);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task Checks_FailuresInARow_StepDownOnlyAtTheThreshold()
    {
        var check = new ScriptedCheck();
        var (monitor, time, _, stop, run) = Start(check);
        try
        {
            await WaitForChecks(monitor, 1);
            Assert.True(monitor.CanCampaign);

            check.Healthy = false;
            await Tick(time, monitor, 2);
            Assert.False(monitor.CanCampaign);
            Assert.False(monitor.ShouldStepDown); // one failure

            await Tick(time, monitor, 3);
            Assert.False(monitor.ShouldStepDown); // two failures

            await Tick(time, monitor, 4);
            Assert.True(monitor.ShouldStepDown); // three in a row

            check.Healthy = true;
            await Tick(time, monitor, 5);
            Assert.True(monitor.CanCampaign);
            Assert.False(monitor.ShouldStepDown);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task Checks_ExceptionOrTimeout_CountsAsAFailure()
    {
        var check = new ScriptedCheck { Throw = true };
        var (monitor, _, _, stop, run) = Start(check, threshold: 1);
        try
        {
            await WaitForChecks(monitor, 1);

            Assert.True(monitor.ShouldStepDown);
            Assert.False(monitor.LastCheckPassed);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    /// <summary>A standby named to take a released Lease asks for a check now: it does not wait out the probe period.</summary>
    [Fact]
    public async Task CheckNow_ChecksAtOnceNotAtTheNextInterval()
    {
        var check = new ScriptedCheck { Healthy = false };
        var (monitor, _, _, stop, run) = Start(check);
        try
        {
            await WaitForChecks(monitor, 1);
            Assert.False(monitor.CanCampaign);

            check.Healthy = true;
            monitor.CheckNow(); // The fake clock stands still: only this can start the next check.
            await WaitForChecks(monitor, 2);

            Assert.True(monitor.CanCampaign);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private static (AppHealthMonitor Monitor, FakeTimeProvider Time, ScriptedCheck Check, CancellationTokenSource Stop, Task Run) Start(ScriptedCheck check, int threshold = 3)
    {
        var time = new FakeTimeProvider();
        var monitor = new AppHealthMonitor(check, threshold, TimeSpan.FromSeconds(1), time, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => monitor.RunAsync(stop.Token));
        return (monitor, time, check, stop, run);
    }

    // Small steps: the monitor may register its next delay a moment after it counted the check.
    private static async Task Tick(FakeTimeProvider time, AppHealthMonitor monitor, int expectedChecks)
    {
        for (var i = 0; i < 1000 && monitor.Checks < expectedChecks; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }

        Assert.Equal(expectedChecks, monitor.Checks);
    }

    private static async Task WaitForChecks(AppHealthMonitor monitor, int count)
    {
        for (var i = 0; i < 5000 && monitor.Checks < count; i++)
        {
            await Task.Delay(1);
        }

        Assert.Equal(count, monitor.Checks);
    }

    private sealed class ScriptedCheck : IAppHealthCheck
    {
        public bool Healthy { get; set; } = true;

        public bool Throw { get; set; }

        /// <summary>When set, checks answer what it answers (and wait for it, cancellable).</summary>
        public Task<bool>? Pending { get; init; }

        public Task<bool> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (Pending is { } pending)
            {
                return pending.WaitAsync(cancellationToken);
            }

            var healthy = Healthy;
            var fail = Throw;
            return fail ? Task.FromException<bool>(new HttpRequestException("refused")) : Task.FromResult(healthy);
        }
    }
}
