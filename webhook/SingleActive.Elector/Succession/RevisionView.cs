namespace SingleActive.Elector.Succession;

/// <summary>
/// Template revisions of a Lease's pods as <see cref="IWorkloadRevisions"/> read them: a rank per pod within its
/// workload (higher is newer; 0 when unknown), and whether this replica's own pod is of an older revision than its
/// workload's current template (a rollout is under way and this pod is on its way out).
/// </summary>
public sealed record RevisionView(long SelfRank, bool SelfOutdated, IReadOnlyDictionary<string, long> Ranks)
{
    /// <summary>Nothing known: every rank 0, not outdated.</summary>
    public static readonly RevisionView None = new(0, false, new Dictionary<string, long>());

    public long RankOf(string pod) => Ranks.TryGetValue(pod, out var rank) ? rank : 0;
}
