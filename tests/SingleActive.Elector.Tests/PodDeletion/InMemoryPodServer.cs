using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Tests.PodDeletion;

/// <summary>
/// The pods of one namespace as the API server keeps them, for the electors' own-pod watches: a resourceVersion
/// that moves on every change, lists by name, and watches that deliver every later change of their pod in order
/// (a watch from an older version starts with the pod's present state, as a real watch replays what it missed).
/// Each elector talks to it through its own <see cref="InMemoryPodClient"/>, whose connection a test can cut.
/// </summary>
public sealed class InMemoryPodServer
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (PodSnapshot? Pod, long Version)> pods = new(StringComparer.Ordinal);
    private readonly List<(string Name, Channel<PodSnapshot> Channel)> watchers = [];
    private readonly HashSet<Channel<PodSnapshot>> broken = [];
    private long version;
    private int pendingDeliveries;

    /// <summary>Watch events written but not yet fully handled by their consumer.</summary>
    public int PendingDeliveries => Volatile.Read(ref pendingDeliveries);

    public InMemoryPodClient Connect(string podName) => new(this, podName);

    public void Create(string name, string uid) => Change(name, new PodSnapshot(uid, null));

    /// <summary>The pod's kubelet wrote its readiness result for the elector container.</summary>
    public void SetReady(string name, bool ready)
    {
        lock (gate)
        {
            ChangeLocked(name, pods[name].Pod! with { ElectorReady = ready });
        }
    }

    /// <summary>The pod's kubelet reported its app containers: one not running, or all running (<see cref="AppContainersView.AllRunning"/>).</summary>
    public void SetAppContainers(string name, AppContainersView containers)
    {
        lock (gate)
        {
            ChangeLocked(name, pods[name].Pod! with { AppContainers = containers });
        }
    }

    /// <summary>A graceful delete: the API server sets <c>deletionTimestamp</c> and keeps the pod while its kubelet stops it.</summary>
    public void MarkDeleting(string name, DateTimeOffset gracePeriodEnds)
    {
        lock (gate)
        {
            ChangeLocked(name, pods[name].Pod! with { DeletionTimestamp = gracePeriodEnds });
        }
    }

    /// <summary>The pod is removed from the API (the kubelet confirmed it stopped, or a force delete).</summary>
    public void Delete(string name)
    {
        lock (gate)
        {
            ChangeLocked(name, pods[name].Pod! with { Removed = true });
        }
    }

    /// <summary>
    /// Every open watch breaks (a connection reset); their consumers see an error. Each break counts as pending
    /// (<see cref="PendingDeliveries"/>) until its consumer has disposed of the watch, which it does once the error has
    /// reached it: the stream's own cleanup runs before the error leaves <c>MoveNextAsync</c>, while the consumer may still
    /// count as parked in its wait for the next event.
    /// </summary>
    public void BreakWatches()
    {
        lock (gate)
        {
            foreach (var (_, channel) in watchers)
            {
                // Pending until the consumer has seen the error, like an event until it is handled.
                if (broken.Add(channel))
                {
                    Interlocked.Increment(ref pendingDeliveries);
                }

                channel.Writer.TryComplete(new HttpRequestException("connection reset (test)"));
            }
        }
    }

    internal PodListing List(string name)
    {
        lock (gate)
        {
            var pod = pods.TryGetValue(name, out var entry) && entry.Pod is { Removed: false } present ? present : null;
            return new PodListing(pod, version.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A watch of <paramref name="name"/> from <paramref name="resourceVersion"/>, opened when it is enumerated.</summary>
    internal IAsyncEnumerable<PodSnapshot> Watch(string name, string? resourceVersion, CancellationToken cancellationToken) =>
        new PodWatch(this, name, resourceVersion, cancellationToken);

    private Channel<PodSnapshot> Open(string name, string? resourceVersion)
    {
        var channel = Channel.CreateUnbounded<PodSnapshot>(new() { SingleReader = true });
        lock (gate)
        {
            watchers.Add((name, channel));
            if (pods.TryGetValue(name, out var entry) && entry.Pod is { } pod && entry.Version > long.Parse(resourceVersion ?? "0", CultureInfo.InvariantCulture))
            {
                Interlocked.Increment(ref pendingDeliveries);
                channel.Writer.TryWrite(pod);
            }
        }

        return channel;
    }

    /// <summary>The watch is over: no more events to it, none left pending; with <paramref name="disposed"/>, its break (if it broke) is handled too.</summary>
    private void Close(Channel<PodSnapshot> channel, bool disposed)
    {
        lock (gate)
        {
            watchers.RemoveAll(w => w.Channel == channel);
            if (disposed && broken.Remove(channel))
            {
                Interlocked.Decrement(ref pendingDeliveries);
            }
        }

        while (channel.Reader.TryRead(out _))
        {
            Interlocked.Decrement(ref pendingDeliveries);
        }
    }

    private async IAsyncEnumerable<PodSnapshot> Events(Channel<PodSnapshot> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var outstanding = false;
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!channel.Reader.TryRead(out var pod))
                {
                    continue;
                }

                outstanding = true;
                yield return pod;

                // The consumer asked for the next event: it has fully handled this one.
                outstanding = false;
                Interlocked.Decrement(ref pendingDeliveries);
            }
        }
        finally
        {
            if (outstanding)
            {
                Interlocked.Decrement(ref pendingDeliveries);
            }

            Close(channel, disposed: false);
        }
    }

    private void Change(string name, PodSnapshot pod)
    {
        lock (gate)
        {
            ChangeLocked(name, pod);
        }
    }

    private void ChangeLocked(string name, PodSnapshot pod)
    {
        version++;
        pods[name] = (pod, version);
        foreach (var (watched, channel) in watchers)
        {
            if (watched != name)
            {
                continue;
            }

            Interlocked.Increment(ref pendingDeliveries);
            if (!channel.Writer.TryWrite(pod))
            {
                Interlocked.Decrement(ref pendingDeliveries); // A broken watch: nobody will read it.
            }
        }
    }

    /// <summary>One watch as its consumer holds it: opened when enumerated, closed (its break handled) when disposed of.</summary>
    private sealed class PodWatch(InMemoryPodServer server, string name, string? resourceVersion, CancellationToken cancellationToken) : IAsyncEnumerable<PodSnapshot>
    {
        public IAsyncEnumerator<PodSnapshot> GetAsyncEnumerator(CancellationToken enumeratorCancellation = default)
        {
            var channel = server.Open(name, resourceVersion);
            return new Consumer(server, channel, server.Events(channel, cancellationToken).GetAsyncEnumerator(enumeratorCancellation));
        }

        private sealed class Consumer(InMemoryPodServer server, Channel<PodSnapshot> channel, IAsyncEnumerator<PodSnapshot> events) : IAsyncEnumerator<PodSnapshot>
        {
            public PodSnapshot Current => events.Current;

            public ValueTask<bool> MoveNextAsync() => events.MoveNextAsync();

            public async ValueTask DisposeAsync()
            {
                await events.DisposeAsync().ConfigureAwait(false);
                server.Close(channel, disposed: true);
            }
        }
    }
}
