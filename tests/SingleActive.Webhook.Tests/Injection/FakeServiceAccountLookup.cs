using System.Collections.Concurrent;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>
/// Test double of the ServiceAccount lookups: answers <see cref="Exists"/> for existence and
/// <see cref="Annotations"/> (by account name; absent = no annotations) and records every question.
/// </summary>
public sealed class FakeServiceAccountLookup(bool? exists) : IServiceAccountLookup
{
    private readonly ConcurrentQueue<(string Namespace, string Name)> questions = new();
    private readonly ConcurrentQueue<(string Namespace, string Name)> annotationQuestions = new();

    public bool? Exists { get; set; } = exists;

    /// <summary>Per account name; an account not listed has no annotations.</summary>
    public Dictionary<string, IReadOnlyDictionary<string, string>> Annotations { get; } = [];

    /// <summary>When true, annotations cannot be told (null), as when the API is unreachable.</summary>
    public bool AnnotationsUnknown { get; set; }

    /// <summary>Existence questions only (what dry runs ask).</summary>
    public IReadOnlyCollection<(string Namespace, string Name)> Questions => this.questions;

    public IReadOnlyCollection<(string Namespace, string Name)> AnnotationQuestions => annotationQuestions;

    public Task<bool?> ExistsAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        this.questions.Enqueue((@namespace, name));
        return Task.FromResult(Exists);
    }

    public Task<IReadOnlyDictionary<string, string>?> AnnotationsAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        annotationQuestions.Enqueue((@namespace, name));
        IReadOnlyDictionary<string, string>? answer = AnnotationsUnknown ? null
            : Annotations.TryGetValue(name, out var found) ? found : new Dictionary<string, string>();
        return Task.FromResult(answer);
    }
}
