using System.Diagnostics;
using System.Net;

namespace SingleActive.Bench.Runner.Elector;

/// <summary>Three replicas of one implementation campaigning for one Lease, like a 3-replica Deployment.</summary>
public sealed class ElectorGroup : IAsyncDisposable
{
    public const int Size = 3;

    public ElectorGroup(ElectorImplementation implementation, string @namespace, string workDirectory, string kubeconfig, IPEndPoint apiServer)
    {
        Implementation = implementation;
        Replicas = [.. Enumerable.Range(0, Size).Select(i =>
            new ElectorReplica(implementation, i, @namespace, $"{implementation.Name}-bench", workDirectory, kubeconfig, apiServer))];
    }

    public ElectorImplementation Implementation { get; }

    public IReadOnlyList<ElectorReplica> Replicas { get; }

    public void StartAll()
    {
        foreach (var replica in Replicas)
        {
            replica.Start();
        }
    }

    public async Task<ReadinessSample> SampleAsync(long since)
    {
        var ready = await Task.WhenAll(Replicas.Select(r => r.IsReadyAsync())).ConfigureAwait(false);
        return new ReadinessSample(Stopwatch.GetElapsedTime(since).TotalMilliseconds, ready);
    }

    /// <summary>Waits until every replica is healthy and exactly one is ready; returns the leader's index.</summary>
    public async Task<int> WaitForSingleLeaderAsync(TimeSpan timeout)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < timeout)
        {
            var healthy = await Task.WhenAll(Replicas.Select(r => r.IsHealthyAsync())).ConfigureAwait(false);
            var sample = await SampleAsync(start).ConfigureAwait(false);
            if (healthy.All(h => h) && sample.ReadyCount == 1)
            {
                return Array.IndexOf(sample.Ready, true);
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Implementation.Name}: no single healthy leader among {Size} replicas within {timeout.TotalSeconds:F0}s (logs next to the kubeconfigs)");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync().ConfigureAwait(false);
        }
    }
}
