namespace SingleActive.Elector.Election;

/// <summary>
/// The pods of this Lease's replicas, as a directed handover needs them: each elector advertises on its own pod
/// whether it could take over (the <c>single-active.io/candidate</c> condition), and the leader reads that before it
/// hands over.
/// </summary>
public interface ICandidatePods
{
    /// <summary>The name of the Lease this elector campaigns for (pods campaigning for another are no candidates).</summary>
    string LeaseName { get; }

    /// <summary>The pod, or <c>null</c> when it does not exist. Throws when it cannot be read.</summary>
    Task<CandidatePod?> GetAsync(string podName, CancellationToken cancellationToken);

    /// <summary>Every running pod of this namespace (the caller keeps those of its Lease). Throws when they cannot be listed.</summary>
    Task<IReadOnlyList<CandidatePod>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes this replica's candidacy on its own pod, and with it the pod's deletion cost (<see cref="Contract.PodDeletionCost"/>:
    /// high while <paramref name="leading"/>, so a scale-in removes standbys first); <c>false</c> when the pod does not
    /// exist. Throws on API errors.
    /// </summary>
    Task<bool> AdvertiseAsync(string podName, bool candidate, string reason, string message, bool leading, DateTimeOffset at, CancellationToken cancellationToken);
}
