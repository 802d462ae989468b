using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.Tests.Election;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class CandidacyAdvertiserTests
{
    [Fact]
    public async Task Want_WriteFails_RetriedWithBackoffUntilWrittenAndOnlyTheLatestIsWritten()
    {
        var time = new FakeTimeProvider();
        var pods = new FlakyPods { FailuresLeft = 2 };
        pods.Add("web-1");
        var metrics = new ElectorMetrics();
        var advertiser = new CandidacyAdvertiser(pods, "web-1", "shop/web", time, TimeSpan.FromSeconds(2), metrics, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => advertiser.RunAsync(stop.Token));

        advertiser.Want(false, "AppUnhealthy", "its app has not passed its health check", leading: false);
        await SettleAsync(advertiser);
        advertiser.Want(true, "Campaigning", "its app is healthy", leading: false);
        await SettleAsync(advertiser);
        Assert.Null(pods.Pods["web-1"].Candidate);

        // The newer wish is tried at once (and fails again); then a 4 s backoff, after which it is written.
        time.Advance(TimeSpan.FromSeconds(2));
        await SettleAsync(advertiser);
        Assert.Null(pods.Pods["web-1"].Candidate);
        time.Advance(TimeSpan.FromSeconds(4));
        await SettleAsync(advertiser);

        Assert.True(pods.Pods["web-1"].Candidate);
        Assert.Equal(["False:AppUnhealthy", "True:Campaigning", "True:Campaigning"], pods.Tries);
        Assert.Equal(2, metrics.ApiErrors("candidacy"));
        await stop.CancelAsync();
        await running;
    }

    private static async Task SettleAsync(CandidacyAdvertiser advertiser)
    {
        for (var i = 0; i < 2000 && !advertiser.IsIdle; i++)
        {
            await Task.Delay(1);
        }

        Assert.True(advertiser.IsIdle);
    }

    private sealed class FlakyPods : SingleActive.Elector.Election.ICandidatePods
    {
        private readonly FakeCandidatePods inner = new();

        public int FailuresLeft { get; set; }

        public List<string> Tries { get; } = [];

        public System.Collections.Concurrent.ConcurrentDictionary<string, SingleActive.Elector.Election.CandidatePod> Pods => inner.Pods;

        public string LeaseName => inner.LeaseName;

        public void Add(string name) => inner.Add(name);

        public Task<SingleActive.Elector.Election.CandidatePod?> GetAsync(string podName, CancellationToken cancellationToken) => inner.GetAsync(podName, cancellationToken);

        public Task<IReadOnlyList<SingleActive.Elector.Election.CandidatePod>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task<bool> AdvertiseAsync(string podName, bool candidate, string reason, string message, bool leading, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Tries.Add($"{candidate}:{reason}");
            return FailuresLeft-- > 0
                ? Task.FromException<bool>(new HttpRequestException("403 Forbidden (test)"))
                : inner.AdvertiseAsync(podName, candidate, reason, message, leading, at, cancellationToken);
        }
    }
}
