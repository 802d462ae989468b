using System.Text.Json.Nodes;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// The result of <see cref="ManifestInjector.Inject"/>: the documents in input order (injected or passed
/// through), the ServiceAccounts they need, warnings, and errors that each name their document. Any error
/// means nothing may be printed: a partial stream piped into <c>kubectl apply</c> would apply half a change.
/// </summary>
public sealed record ManifestInjection(
    IReadOnlyList<JsonNode> Documents,
    IReadOnlyList<ServiceAccountRequest> ServiceAccounts,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Errors);
