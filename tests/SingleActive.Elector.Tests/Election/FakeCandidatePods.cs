using System.Collections.Concurrent;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// The replicas' pods as the API server keeps them for <see cref="ICandidatePods"/>: every pod added runs and campaigns
/// for <see cref="LeaseName"/>; advertisements set its candidate condition at once, as the API server would.
/// </summary>
public sealed class FakeCandidatePods : ICandidatePods
{
    public ConcurrentDictionary<string, CandidatePod> Pods { get; } = new();

    /// <summary>Reads fail with this error while set.</summary>
    public string? ReadError { get; set; }

    public string LeaseName => "lease";

    public void Add(string name, string lease = "lease", string phase = "Running", string? node = null) =>
        Pods[name] = new CandidatePod(name, lease, Deleting: false, phase, Candidate: null, NodeName: node ?? "node-" + name);

    /// <summary>Puts the pod on <paramref name="node"/>.</summary>
    public void Place(string name, string node) => Pods[name] = Pods[name] with { NodeName = node };

    public Task<CandidatePod?> GetAsync(string podName, CancellationToken cancellationToken) =>
        ReadError is { } error ? Task.FromException<CandidatePod?>(new HttpRequestException(error)) : Task.FromResult(Pods.GetValueOrDefault(podName));

    public Task<IReadOnlyList<CandidatePod>> ListAsync(CancellationToken cancellationToken) =>
        ReadError is { } error
            ? Task.FromException<IReadOnlyList<CandidatePod>>(new HttpRequestException(error))
            : Task.FromResult<IReadOnlyList<CandidatePod>>([.. Pods.Values.Where(p => p.Phase == "Running")]);

    public Task<bool> AdvertiseAsync(string podName, bool candidate, string reason, string message, bool leading, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!Pods.TryGetValue(podName, out var pod))
        {
            return Task.FromResult(false);
        }

        Pods[podName] = pod with { Candidate = candidate, CandidateReason = reason, CandidateMessage = message };
        return Task.FromResult(true);
    }
}
