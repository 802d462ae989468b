using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Logging;

namespace SingleActive.Core.Tests.Logging;

public sealed class JsonLineLoggerProviderTests
{
    [Fact]
    public void CreateLogger_Category_WritesTheSameFieldsAsTheElector()
    {
        using var output = new StringWriter();
        using var provider = new JsonLineLoggerProvider(output, new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        var logger = provider.CreateLogger("SingleActive.Webhook.Serving");

#pragma warning disable CA1848, CA2254 // A hand-written template: the test is about the line, not the call site.
        logger.Log(LogLevel.Warning, new EventId(7, "Denied"), "pod {Pod} denied: {Reason}", "web-0", "no account");
#pragma warning restore CA1848, CA2254

        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal(
            ["time", "level", "logger", "eventId", "event", "msg", "pod", "reason"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-01-02T03:04:05.000000Z", root.GetProperty("time").GetString());
        Assert.Equal("warn", root.GetProperty("level").GetString());
        Assert.Equal("SingleActive.Webhook.Serving", root.GetProperty("logger").GetString());
        Assert.Equal("pod web-0 denied: no account", root.GetProperty("msg").GetString());
    }

    [Fact]
    public void CreateLogger_EveryLevel_EnabledSoTheFactoryFilters()
    {
        using var provider = new JsonLineLoggerProvider(TextWriter.Null, TimeProvider.System);

        Assert.True(provider.CreateLogger("x").IsEnabled(LogLevel.Trace));
    }
}
