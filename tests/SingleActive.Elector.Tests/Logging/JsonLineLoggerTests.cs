using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Logging;
using SingleActive.Elector.Logging;

namespace SingleActive.Elector.Tests.Logging;

public sealed class JsonLineLoggerTests
{
    [Fact]
    public void Log_GeneratedMessage_WritesOneJsonObjectWithEveryField()
    {
        using var output = new StringWriter();
        var logger = new JsonLineLogger("elector", LogLevel.Information, output, new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));

        Log.Elected(logger, "pod-a", 3, "pod-b");

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("2026-01-02T03:04:05.000000Z", root.GetProperty("time").GetString());
        Assert.Equal("info", root.GetProperty("level").GetString());
        Assert.Equal(2, root.GetProperty("eventId").GetInt32());
        Assert.Equal("Elected", root.GetProperty("event").GetString());
        Assert.Equal("pod-a became leader (leaseTransitions 3, previous holder pod-b)", root.GetProperty("msg").GetString());
        Assert.Equal("pod-a", root.GetProperty("identity").GetString());
        Assert.Equal(3, root.GetProperty("leaseTransitions").GetInt32());
    }

    [Fact]
    public void Log_BelowMinimumLevel_WritesNothing()
    {
        using var output = new StringWriter();
        var logger = new JsonLineLogger("elector", LogLevel.Information, output, TimeProvider.System);

        Log.WatchEnded(logger, "closed");

        Assert.Empty(output.ToString());
    }
}
