using Microsoft.Extensions.Logging;
using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Shares one list of a namespace's workloads among the Service, budget and NetworkPolicy writes that ask for it at the same time, and
/// lists at most <see cref="MaxNamespaces"/> namespaces at once. A burst of writes (a chart installed, a GitOps sync)
/// then costs the API server one list per namespace rather than one per write, and the replicas that also serve the
/// fail-closed pod webhook never hold more than a few of these lists in memory. A write that finds every slot taken by
/// other namespaces gets no advice (event 607); the object is admitted as always.
/// </summary>
/// <param name="inner">The lookup that lists (with its own time bound: a shared list is never cancelled by one caller).</param>
public sealed class SharedWorkloadLookup(IWorkloadLookup inner, ILogger<SharedWorkloadLookup> logger) : IWorkloadLookup
{
    /// <summary>How many namespaces are listed at once at the most.</summary>
    public const int MaxNamespaces = 4;

    private readonly Dictionary<string, Task<IReadOnlyList<SingleActiveWorkload>?>> listing = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>The namespace's workloads, from the list in progress for it if there is one; null when too many namespaces are being listed.</summary>
    public Task<IReadOnlyList<SingleActiveWorkload>?> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        Task<IReadOnlyList<SingleActiveWorkload>?>? shared;
        TaskCompletionSource<IReadOnlyList<SingleActiveWorkload>?>? started = null;
        lock (this.gate)
        {
            if (!this.listing.TryGetValue(@namespace, out shared))
            {
                if (this.listing.Count >= MaxNamespaces)
                {
                    WorkloadLog.AdviceBusy(logger, @namespace, MaxNamespaces);
                    return Task.FromResult<IReadOnlyList<SingleActiveWorkload>?>(null);
                }

                started = new TaskCompletionSource<IReadOnlyList<SingleActiveWorkload>?>(TaskCreationOptions.RunContinuationsAsynchronously);
                shared = started.Task;
                this.listing[@namespace] = shared;
            }
        }

        if (started is not null)
        {
            // Recorded first, run after: the entry exists before the list can end. The list serves every caller, so it
            // carries none's execution context (log scopes, trace) and is cancelled by none.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => ListThenForgetAsync(@namespace, started));
            }
        }

        return shared.WaitAsync(cancellationToken);
    }

    private async Task ListThenForgetAsync(string @namespace, TaskCompletionSource<IReadOnlyList<SingleActiveWorkload>?> result)
    {
        IReadOnlyList<SingleActiveWorkload>? found = null;
        Exception? failure = null;
        try
        {
            found = await inner.ListAsync(@namespace, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }

        // Forgotten before it completes: a write after the answer lists again instead of joining an answered list.
        lock (this.gate)
        {
            this.listing.Remove(@namespace);
        }

        if (failure is null)
        {
            result.SetResult(found);
        }
        else
        {
            result.SetException(failure);
        }
    }
}
