namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// What doctor could not check because a read was refused (<see cref="RefusedRead"/>): a warning per resource, naming
/// the skipped checks, the namespaces where the read was refused, and the access that enables them — ClusterRole
/// <see cref="DoctorRole"/> (deploy/base). Binding it takes a cluster admin: RBAC lets nobody grant rules they do
/// not hold themselves, and a namespace's admin holds neither the cluster-scoped reads nor Leases. A refused read
/// is never taken for an absent object: "not found" would send the user to fix what may be fine.
/// </summary>
internal static class RefusedReads
{
    public const string WebhookConfigurations = "mutatingwebhookconfigurations";
    public const string ClusterRoles = "clusterroles";
    public const string ClusterRoleBindings = "clusterrolebindings";
    public const string Nodes = "nodes";
    public const string Namespaces = "namespaces";
    public const string Leases = "leases";
    public const string RoleBindings = "rolebindings";
    public const string NetworkPolicies = "networkpolicies";
    public const string Pods = "pods";

    /// <summary>The ClusterRole in deploy/base that grants every read doctor makes.</summary>
    public const string DoctorRole = "single-active-doctor";

    private const string ClusterWide = $"kubectl create clusterrolebinding {DoctorRole}-YOU --clusterrole={DoctorRole} --user=YOU";

    public static IEnumerable<Finding> Run(ClusterSnapshot snapshot)
    {
        foreach (var resource in (snapshot.Refused ?? []).GroupBy(r => r.Resource, StringComparer.Ordinal))
        {
            var first = resource.First();
            var namespaces = resource.Select(r => r.Namespace).OfType<string>().ToList();
            var problem = $"not checked: {Skipped(resource.Key)}; the API server refused the read: {first.Said}";
            if (namespaces.Count == 0)
            {
                yield return new Finding(Severity.Warning, resource.Key, problem, $"run doctor as a cluster admin, or have one let you read them: {ClusterWide}");
            }
            else if (namespaces is [var only])
            {
                yield return new Finding(Severity.Warning, $"{only}/{resource.Key}", problem,
                    $"have a cluster admin let you read them there: kubectl create rolebinding {DoctorRole}-YOU --clusterrole={DoctorRole} --user=YOU -n {only} (or everywhere: {ClusterWide})");
            }
            else
            {
                yield return new Finding(Severity.Warning, resource.Key, $"{problem} (refused in {namespaces.Count} namespaces: {string.Join(", ", namespaces)})",
                    $"have a cluster admin let you read them: {ClusterWide}");
            }
        }
    }

    private static string Skipped(string resource) => resource switch
    {
        WebhookConfigurations => "the webhook configuration (its scope, failure policy and CA certificate, and the replicas behind it)",
        ClusterRoles => "the elector ClusterRoles (what the electors may do)",
        ClusterRoleBindings => "the elector accounts' node read (drain-aware handover)",
        Nodes => "the nodes' kubelet versions (native sidecars) and where the replicas run (one node, one zone)",
        Namespaces => "accounts of deleted namespaces left in the node bindings",
        Leases => "whether failover is paused, and whether an elector the NetworkPolicies cut off renews its Lease all the same",
        RoleBindings => "the elector accounts' RoleBindings",
        NetworkPolicies => "NetworkPolicies that keep the electors from the Kubernetes API, Prometheus from the electors, or the API server from the webhook",
        Pods => "which of the webhook's pods its namespace's NetworkPolicies select",
        _ => resource,
    };
}
