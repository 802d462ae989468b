using Microsoft.Extensions.Time.Testing;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class ParkingTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public async Task PauseAsync_ParkedUntilTheTimerFires()
    {
        var parking = new Parking(time);

        var pause = parking.PauseAsync(TimeSpan.FromSeconds(2), null, CancellationToken.None);
        Assert.True(parking.IsParked);
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(pause.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(parking.IsParked); // Unparked by the timer itself, before the pause's continuation runs.
        await pause;
    }

    [Fact]
    public async Task PauseAsync_EndsWhenTheAwaitedTaskCompletes()
    {
        var parking = new Parking(time);
        var changed = new TaskCompletionSource();

        var pause = parking.PauseAsync(Timeout.InfiniteTimeSpan, changed.Task, CancellationToken.None);
        Assert.True(parking.IsParked);
        changed.SetResult();

        await pause;
        Assert.False(parking.IsParked);
    }

    [Fact]
    public async Task PauseAsync_StopEndsItWithoutThrowing()
    {
        var parking = new Parking(time);
        using var stop = new CancellationTokenSource();

        var pause = parking.PauseAsync(TimeSpan.FromMinutes(1), null, stop.Token);
        await stop.CancelAsync();

        await pause;
        Assert.False(parking.IsParked);
    }

    [Fact]
    public async Task PauseAsync_Stopped_UnparkedByTheStopItself()
    {
        var parking = new Parking(time);
        using var stop = new CancellationTokenSource();
        var pause = parking.PauseAsync(TimeSpan.FromMinutes(1), null, stop.Token);
        Assert.True(parking.IsParked);

        stop.Cancel(); // Runs the stop's callbacks on this thread; the pause's continuation runs on the thread pool.

        Assert.False(parking.IsParked);
        await pause;
    }

    [Fact]
    public async Task WhileAsync_ParkedFromTheCallUntilTheNextValueIsThere()
    {
        var parking = new Parking(time);
        var next = new TaskCompletionSource<bool>();

        bool? parkedWhenCalled = null;
        var waiting = parking.WhileAsync(() =>
        {
            parkedWhenCalled = parking.IsParked;
            return new ValueTask<bool>(next.Task);
        }, CancellationToken.None);
        Assert.True(parkedWhenCalled);
        Assert.True(parking.IsParked);
        next.SetResult(true);

        Assert.True(await waiting);
        Assert.False(parking.IsParked);
    }

    [Fact]
    public async Task WhileAsync_Ended_UnparkedByTheTokenItself()
    {
        var parking = new Parking(time);
        using var stop = new CancellationTokenSource();
        var next = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var ends = stop.Token.Register(() => next.TrySetCanceled(stop.Token));
        var waiting = parking.WhileAsync(() => new ValueTask<bool>(next.Task), stop.Token);
        Assert.True(parking.IsParked);

        stop.Cancel(); // Runs the token's callbacks on this thread; the wait's continuation runs on the thread pool.

        Assert.False(parking.IsParked);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
    }

    [Fact]
    public async Task WhileAsync_AlreadyEnded_DoesNotPark()
    {
        var parking = new Parking(time);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        bool? parkedWhenCalled = null;
        var value = await parking.WhileAsync(() =>
        {
            parkedWhenCalled = parking.IsParked;
            return new ValueTask<bool>(true);
        }, stop.Token);

        Assert.True(value);
        Assert.False(parkedWhenCalled);
    }
}
