using Microsoft.Extensions.Time.Testing;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

public sealed class WakeSignalTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public async Task WaitAsync_WokenBeforeTheWait_ReturnsAtOnceAndConsumesTheWake()
    {
        var signal = new WakeSignal(time);
        signal.Wake();

        await signal.WaitAsync(TimeSpan.FromHours(1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        var next = signal.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitAsync_Parked_WakeEndsItEarly()
    {
        var signal = new WakeSignal(time);
        var wait = signal.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.True(signal.IsParked);

        signal.Wake();

        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(signal.IsParked);
    }

    [Fact]
    public async Task WaitAsync_TimeUp_NotParkedAnyMore()
    {
        var signal = new WakeSignal(time);
        var wait = signal.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(2));

        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(signal.IsParked);
    }

    [Fact]
    public async Task WaitAsync_StoppedAndWoken_Throws()
    {
        var signal = new WakeSignal(time);
        using var stop = new CancellationTokenSource();
        var wait = signal.WaitAsync(TimeSpan.FromSeconds(2), stop.Token);

        await stop.CancelAsync();
        signal.Wake();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
