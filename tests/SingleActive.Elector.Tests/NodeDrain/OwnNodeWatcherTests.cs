using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Contract;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.Tests.Election;
using static SingleActive.Elector.Tests.Election.LeaderElectorOperatorControlsTests;

namespace SingleActive.Elector.Tests.NodeDrain;

/// <summary>The node watch feeds the election: a cordon seen on the watch starts the handover; a refused list says drain awareness is off.</summary>
public sealed class OwnNodeWatcherTests
{
    [Fact]
    public async Task CordonOnTheWatch_LeaderHandsOverToAnotherNode()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        var nodes = new FakeNodeApi(new NodeSnapshot("node-a", false, []));
        var watcher = new OwnNodeWatcher(nodes, "node-a", DrainRules.Default, a.Elector, cluster.Time, cluster.Timings.RetryPeriod, a.Metrics, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => watcher.RunAsync(stop.Token));
        await UntilAsync(() => a.Metrics.DrainAwareness == true);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(["a"], Endpoints(pods, a, b, c));

        await nodes.Changes.Writer.WriteAsync(new NodeSnapshot("node-a", true, []));
        await UntilAsync(() => a.Metrics.NodeDraining);
        await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["b"] or ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));

        Assert.Equal(PlannedHandover.NodeDrain, cluster.Server.Current!.Controls!.LastHandover!.Requested);
        Assert.Equal(1, cluster.MaxReadySeen);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task ListForbidden_DrainAwarenessOff()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, _, _) = await ThreeReplicasAsync(cluster, pods);
        var nodes = new FakeNodeApi(null) { ListError = new KubeApiException(HttpStatusCode.Forbidden, "nodes \"node-a\" is forbidden") };
        var watcher = new OwnNodeWatcher(nodes, "node-a", DrainRules.Default, a.Elector, cluster.Time, cluster.Timings.RetryPeriod, a.Metrics, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => watcher.RunAsync(stop.Token));

        await UntilAsync(() => a.Metrics.DrainAwareness == false);

        Assert.Contains("single_active_elector_drain_awareness 0", a.Metrics.Render(a.Elector.Status, a.IsReady, null), StringComparison.Ordinal);
        await stop.CancelAsync();
        await running;
    }

    private static Task UntilAsync(Func<bool> condition) => Eventually.UntilAsync(condition, TimeSpan.FromSeconds(5), "the node watch's effect never showed");

    private sealed class FakeNodeApi(NodeSnapshot? initial) : INodeApi
    {
        public Channel<NodeSnapshot> Changes { get; } = Channel.CreateUnbounded<NodeSnapshot>();

        public Exception? ListError { get; init; }

        public Task<(NodeSnapshot? Object, string? ResourceVersion)> ListAsync(string name, CancellationToken cancellationToken) =>
            ListError is { } error ? Task.FromException<(NodeSnapshot?, string?)>(error) : Task.FromResult((initial, (string?)"1"));

        public async IAsyncEnumerable<NodeSnapshot> WatchAsync(string name, string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (await Changes.Reader.WaitToReadAsync(cancellationToken))
            {
                while (Changes.Reader.TryRead(out var node))
                {
                    yield return node;
                }
            }
        }

        public Task<NodeSnapshot?> GetAsync(string name, CancellationToken cancellationToken) => Task.FromResult<NodeSnapshot?>(null);
    }
}
