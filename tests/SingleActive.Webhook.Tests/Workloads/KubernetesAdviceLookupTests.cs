using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Webhook.Logging;
using SingleActive.Webhook.Tests.Kube.ApiConnection;
using SingleActive.Webhook.Tests.Provisioners;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

public class KubernetesAdviceLookupTests
{
    /// <summary>The advice webhook meets the same failure on every Service write while it lasts (a ClusterRole not upgraded): said once per period and cause, never an exception.</summary>
    [Fact]
    public async Task ListAsync_ApiRefusesOnEveryWrite_NullAndOneWarningPerPeriod()
    {
        using var connection = UnreachableApi.Refusing();
        var clock = new FakeTimeProvider();
        var log = new RecordingLogger<KubernetesAdviceLookup>();
        IWorkloadLookup lookup = new KubernetesAdviceLookup(connection, log, clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await lookup.ListAsync("shop", default));
        }

        clock.Advance(KubernetesAdviceLookup.FailureLogPeriod);
        Assert.Null(await lookup.ListAsync("billing", default));

        var warnings = log.Entries.Where(e => e.EventId == EventIds.AdviceLookupFailed).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.StartsWith("Cannot list Deployments and StatefulSets in namespace shop (HttpRequestException); their advice is skipped. Said at most once every 5 min", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("in namespace billing", warnings[1].Message, StringComparison.Ordinal);
    }
}
