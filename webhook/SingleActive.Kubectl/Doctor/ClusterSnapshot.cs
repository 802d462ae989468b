using k8s.Models;

namespace SingleActive.Kubectl.Doctor;

/// <summary>Everything the checks read, read once (<see cref="SnapshotReader"/>), so every check is a pure function tested without a cluster.</summary>
/// <param name="ServerVersion">The API server's version; null when unknown.</param>
/// <param name="WebhookConfiguration">The MutatingWebhookConfiguration named <see cref="DoctorChecks.WebhookConfigurationName"/>; null when absent or refused (<see cref="WasRefused"/>).</param>
/// <param name="ClusterRoles">The elector ClusterRoles that exist, by name.</param>
/// <param name="NodeBindings">
/// The ClusterRoleBindings to <c>single-active-elector-node</c>: the one the webhook keeps the subjects of, and those
/// <c>single-active-webhook inject</c> writes per account.
/// </param>
/// <param name="Namespaces">Per namespace with single-active workloads: its RoleBindings, budgets, Services and the workloads with their pods.</param>
/// <param name="WebhookBackends">Each Service the webhooks call, with its Endpoints (none for webhooks called by URL).</param>
/// <param name="AllNamespaces">The name of every namespace of the cluster; null when they could not be listed.</param>
/// <param name="Refused">The reads the API server refused (HTTP 403); what they would have filled is empty.</param>
/// <param name="ApiServer">
/// Where pods reach the Kubernetes API, for the NetworkPolicy checks; read only when a namespace has NetworkPolicies, and
/// null when it could not be read (the checks then ask only whether anything outside the pod network is reachable).
/// </param>
public sealed record ClusterSnapshot(
    Version? ServerVersion,
    V1MutatingWebhookConfiguration? WebhookConfiguration,
    IReadOnlyDictionary<string, V1ClusterRole> ClusterRoles,
    IReadOnlyList<V1ClusterRoleBinding> NodeBindings,
    IReadOnlyList<V1Node> Nodes,
    IReadOnlyList<NamespaceSnapshot> Namespaces,
    IReadOnlyList<WebhookBackend>? WebhookBackends = null,
    IReadOnlySet<string>? AllNamespaces = null,
    IReadOnlyList<RefusedRead>? Refused = null,
    ApiServerDestinations? ApiServer = null)
{
    /// <summary>Whether reading <paramref name="resource"/> (in <paramref name="namespace"/>; null: cluster-scoped) was refused, so that checks needing it are skipped.</summary>
    public bool WasRefused(string resource, string? @namespace = null) =>
        Refused?.Any(r => r.Resource == resource && r.Namespace == @namespace) == true;
}
