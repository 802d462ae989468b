using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

public class SharedWorkloadLookupTests
{
    private static readonly IReadOnlyList<SingleActiveWorkload> Listed = [SingleActiveWorkload.From(TestWorkloads.Deployment())!];

    [Fact]
    public async Task ListAsync_ConcurrentWritesInANamespace_OneListShared()
    {
        var inner = new HeldLookup();
        var lookup = new SharedWorkloadLookup(inner, NullLogger<SharedWorkloadLookup>.Instance);

        var first = lookup.ListAsync("shop", default);
        var second = lookup.ListAsync("shop", default);
        await inner.StartedAsync("shop");
        inner.Release("shop");

        Assert.Same(Listed, await first);
        Assert.Same(Listed, await second);
        Assert.Equal(["shop"], inner.Asked);

        // Done: the next write lists again (nothing is cached past the list).
        var third = lookup.ListAsync("shop", default);
        await inner.StartedAsync("shop", count: 2);
        inner.Release("shop");
        Assert.Same(Listed, await third);
    }

    [Fact]
    public async Task ListAsync_MoreNamespacesThanSlots_TheRestGetNoAdviceUntilOneEnds()
    {
        var inner = new HeldLookup();
        var lookup = new SharedWorkloadLookup(inner, NullLogger<SharedWorkloadLookup>.Instance);
        var namespaces = Enumerable.Range(1, SharedWorkloadLookup.MaxNamespaces).Select(i => $"ns{i}").ToList();
        var running = namespaces.Select(ns => lookup.ListAsync(ns, default)).ToList();
        foreach (var ns in namespaces)
        {
            await inner.StartedAsync(ns);
        }

        Assert.Null(await lookup.ListAsync("one-too-many", default));

        inner.Release("ns1");
        Assert.Same(Listed, await running[0]);
        var now = lookup.ListAsync("one-too-many", default);
        await inner.StartedAsync("one-too-many");
        inner.Release("one-too-many");
        Assert.Same(Listed, await now);
        // The write turned away never listed (each list starts on the thread pool, so in any order).
        Assert.Equal([.. namespaces.Append("one-too-many").Order(StringComparer.Ordinal)], inner.Asked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_OneCallerCancelled_TheOthersStillGetTheList()
    {
        var inner = new HeldLookup();
        var lookup = new SharedWorkloadLookup(inner, NullLogger<SharedWorkloadLookup>.Instance);
        using var aborted = new CancellationTokenSource();

        var gone = lookup.ListAsync("shop", aborted.Token);
        var waiting = lookup.ListAsync("shop", default);
        await inner.StartedAsync("shop");
        await aborted.CancelAsync();
        inner.Release("shop");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        Assert.Same(Listed, await waiting);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ListAsync_ListFails_EveryCallerGetsTheFailureAndTheNextWriteListsAgain(bool synchronously)
    {
        var inner = new FailingLookup(synchronously);
        var lookup = new SharedWorkloadLookup(inner, NullLogger<SharedWorkloadLookup>.Instance);

        var first = lookup.ListAsync("shop", default);
        var second = lookup.ListAsync("shop", default);

        Assert.Equal("no API", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        var calls = inner.Calls;
        Assert.InRange(calls, 1, 2); // the second write joined the first list, or came after it had ended

        await Assert.ThrowsAsync<InvalidOperationException>(() => lookup.ListAsync("shop", default));
        Assert.Equal(calls + 1, inner.Calls); // a failed list is forgotten: the next write lists again
    }

    [Fact]
    public async Task ListAsync_EveryCallerCancelled_TheListEndsAndItsSlotIsFreed()
    {
        var inner = new HeldLookup();
        var lookup = new SharedWorkloadLookup(inner, NullLogger<SharedWorkloadLookup>.Instance);
        using var aborted = new CancellationTokenSource();

        var gone = lookup.ListAsync("shop", aborted.Token);
        await inner.StartedAsync("shop");
        await aborted.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        inner.Release("shop");

        // Once the abandoned list has ended, the next write lists anew (a write just before that may still join it).
        Task<IReadOnlyList<SingleActiveWorkload>?> next;
        while (true)
        {
            next = lookup.ListAsync("shop", default);
            if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(2))) != next)
            {
                break; // held: a list of its own
            }

            Assert.Same(Listed, await next); // joined the released one
        }

        await inner.StartedAsync("shop", count: 2);
        inner.Release("shop");
        Assert.Same(Listed, await next);
    }

    private sealed class FailingLookup(bool synchronously) : IWorkloadLookup
    {
        private int calls;

        public int Calls => Volatile.Read(ref this.calls);

        public Task<IReadOnlyList<SingleActiveWorkload>?> ListAsync(string @namespace, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref this.calls);
            return synchronously ? throw new InvalidOperationException("no API") : FailLaterAsync();
        }

        private static async Task<IReadOnlyList<SingleActiveWorkload>?> FailLaterAsync()
        {
            await Task.Yield();
            throw new InvalidOperationException("no API");
        }
    }

    /// <summary>Each list waits until the test releases its namespace; records the namespaces asked for.</summary>
    private sealed class HeldLookup : IWorkloadLookup
    {
        private readonly Dictionary<string, TaskCompletionSource> held = [];
        private readonly Lock gate = new();

        public List<string> Asked { get; } = [];

        public async Task<IReadOnlyList<SingleActiveWorkload>?> ListAsync(string @namespace, CancellationToken cancellationToken)
        {
            TaskCompletionSource release;
            lock (this.gate)
            {
                Asked.Add(@namespace);
                release = this.held[@namespace] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await release.Task.WaitAsync(cancellationToken);
            return Listed;
        }

        public async Task StartedAsync(string @namespace, int count = 1)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                lock (this.gate)
                {
                    if (Asked.Count(a => a == @namespace) >= count)
                    {
                        return;
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, $"no list of {@namespace} started within 10 s");
                await Task.Delay(5);
            }
        }

        public void Release(string @namespace)
        {
            lock (this.gate)
            {
                this.held[@namespace].SetResult();
            }
        }
    }
}
