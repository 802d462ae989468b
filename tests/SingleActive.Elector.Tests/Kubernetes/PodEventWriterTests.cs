using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class PodEventWriterTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingPodApi api = new();

    [Fact]
    public async Task WriteAsync_NoUidGiven_ReadsItOnceAndNamesThePod()
    {
        var writer = new PodEventWriter(api, "shop", "web-0", null, new ElectorMetrics(), NullLogger.Instance);
        var backlog = new ReportBacklog(time, TimeSpan.FromSeconds(2));

        await writer.WriteAsync(backlog, Pending("LeaderElected"), CancellationToken.None);
        await writer.WriteAsync(backlog, Pending("LeadershipLost"), CancellationToken.None);

        Assert.Equal(["get-pod:web-0", "event:LeaderElected", "event:LeadershipLost"], api.Calls);
        var involved = api.Events.First()["involvedObject"]!;
        Assert.Equal("uid-from-api", (string?)involved["uid"]);
        Assert.Equal("web-0", (string?)involved["name"]);
    }

    [Fact]
    public void ToEvent_GivenUid_ACoreEventOfTheElectorAboutThisPod()
    {
        var writer = new PodEventWriter(api, "shop", "web-0", "uid-1", new ElectorMetrics(), NullLogger.Instance);

        var @event = writer.ToEvent(Pending("LeaderElected"));

        Assert.Equal("web-0.", (string?)@event["metadata"]!["generateName"]);
        Assert.Equal("uid-1", (string?)@event["involvedObject"]!["uid"]);
        Assert.Equal("single-active-elector", (string?)@event["reportingComponent"]);
        Assert.Equal("2026-01-01T00:00:00Z", (string?)@event["firstTimestamp"]);
        Assert.Empty(api.Calls);
    }

    private ReportBacklog.PendingEvent Pending(string reason) => new(reason, "Normal", "message", time.GetUtcNow(), time.GetTimestamp());
}
