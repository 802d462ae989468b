using System.Collections.Concurrent;
using SingleActive.Elector.Election;
using SingleActive.Elector.Succession;

namespace SingleActive.Elector.Tests.Election;

/// <summary>Template revisions as a test sets them: a rank per pod (0 unless set), and the pods left on an older revision by a rollout.</summary>
public sealed class FakeWorkloadRevisions : IWorkloadRevisions
{
    public ConcurrentDictionary<string, long> Ranks { get; } = new();

    public ConcurrentDictionary<string, bool> Outdated { get; } = new();

    /// <summary>Starts a rollout: <paramref name="updated"/> run the new revision, every other pod is outdated.</summary>
    public void Rollout(IEnumerable<string> old, IEnumerable<string> updated)
    {
        foreach (var pod in old)
        {
            Ranks[pod] = 1;
            Outdated[pod] = true;
        }

        foreach (var pod in updated)
        {
            Ranks[pod] = 2;
            Outdated[pod] = false;
        }
    }

    public Task<bool> IsOutdatedAsync(CandidatePod self, CancellationToken cancellationToken) =>
        Task.FromResult(Outdated.GetValueOrDefault(self.Name));

    public Task<RevisionView> ReadAsync(CandidatePod self, IReadOnlyList<CandidatePod> others, CancellationToken cancellationToken) =>
        Task.FromResult(new RevisionView(
            Ranks.GetValueOrDefault(self.Name),
            Outdated.GetValueOrDefault(self.Name),
            others.Append(self).ToDictionary(p => p.Name, p => Ranks.GetValueOrDefault(p.Name))));
}
