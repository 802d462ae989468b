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
    public async Task WhileAsync_ParkedFromTheCallUntilTheNextValueIsThere()
    {
        var parking = new Parking(time);
        var next = new TaskCompletionSource<bool>();

        bool? parkedWhenCalled = null;
        var waiting = parking.WhileAsync(() =>
        {
            parkedWhenCalled = parking.IsParked;
            return new ValueTask<bool>(next.Task);
        });
        Assert.True(parkedWhenCalled);
        Assert.True(parking.IsParked);
        next.SetResult(true);

        Assert.True(await waiting);
        Assert.False(parking.IsParked);
    }
}
