using Microsoft.Extensions.Time.Testing;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.Tests.Logging;

public class OncePerPeriodTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    [Fact]
    public void IsDue_SameKind_OncePerPeriodOnTheMonotonicClock()
    {
        var clock = new FakeTimeProvider();
        var gate = new OncePerPeriod(clock);

        Assert.True(gate.IsDue("HTTP 403", Period));
        Assert.False(gate.IsDue("HTTP 403", Period));
        clock.Advance(Period - TimeSpan.FromSeconds(1));
        Assert.False(gate.IsDue("HTTP 403", Period));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(gate.IsDue("HTTP 403", Period));
        Assert.False(gate.IsDue("HTTP 403", Period)); // a new period starts when it is said
    }

    [Fact]
    public void IsDue_KindsApartAndCleared_EachDueOnItsOwn()
    {
        var gate = new OncePerPeriod(new FakeTimeProvider());

        Assert.True(gate.IsDue("HTTP 403", Period));
        Assert.True(gate.IsDue("HTTP 500", Period));
        gate.Clear();
        Assert.True(gate.IsDue("HTTP 403", Period));
    }
}
