using SingleActive.Elector.Election;

namespace SingleActive.Elector.Succession;

/// <summary>Reads which template revision the pods of a Lease run, so a rollout hands over once, to an updated pod.</summary>
public interface IWorkloadRevisions
{
    /// <summary>Whether <paramref name="self"/> is of an older revision than its workload's current template.</summary>
    /// <remarks>Never throws for an unreadable workload: then it is not known to be outdated.</remarks>
    Task<bool> IsOutdatedAsync(CandidatePod self, CancellationToken cancellationToken);

    /// <summary>Ranks <paramref name="self"/> and <paramref name="others"/> (see <see cref="RevisionView"/>).</summary>
    Task<RevisionView> ReadAsync(CandidatePod self, IReadOnlyList<CandidatePod> others, CancellationToken cancellationToken);
}
