using Microsoft.Extensions.Logging;
using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Shares one list of a namespace's workloads among the Service and budget writes that ask for it at the same time, and
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
        lock (this.gate)
        {
            if (!this.listing.TryGetValue(@namespace, out shared))
            {
                if (this.listing.Count >= MaxNamespaces)
                {
                    WorkloadLog.AdviceBusy(logger, @namespace, MaxNamespaces);
                    return Task.FromResult<IReadOnlyList<SingleActiveWorkload>?>(null);
                }

                shared = ListThenForgetAsync(@namespace);
                this.listing[@namespace] = shared;
            }
        }

        return shared.WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<SingleActiveWorkload>?> ListThenForgetAsync(string @namespace)
    {
        try
        {
            // Never completes before ListAsync has recorded it (the removal below waits for the gate ListAsync holds).
            await Task.Yield();
            return await inner.ListAsync(@namespace, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            lock (this.gate)
            {
                this.listing.Remove(@namespace);
            }
        }
    }
}
