using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Signs that a pod's ServiceAccount carries an identity outside the cluster (AWS IAM roles for service
/// accounts and EKS Pod Identity, GKE and Azure workload identity). The identity belongs to the account, so moving
/// the pod to another account silently moves the app to another identity (usually none): the webhook refuses to
/// switch such a pod (see <see cref="PodInjector"/>). Only the cloud providers' token audiences count: service
/// meshes project tokens for their own CA (Istio's <c>istio-ca</c>, Linkerd's <c>identity.l5d.io</c>) into every
/// pod they inject, usually before this webhook runs, and those identify the pod's account inside the mesh: the
/// dedicated account joins the mesh just as well, but under its own identity, which the switch warning says (policies
/// naming <c>default</c> no longer match; docs/injection.md).
/// </summary>
public static class CloudIdentity
{
    /// <summary>Account annotations the providers' webhooks and metadata servers map to a cloud identity.</summary>
    public static readonly IReadOnlyList<(string Annotation, string Provider)> AccountAnnotations =
    [
        ("eks.amazonaws.com/role-arn", "AWS IAM roles for service accounts"),
        ("iam.gke.io/gcp-service-account", "GKE workload identity"),
        ("azure.workload.identity/client-id", "Azure workload identity"),
    ];

    /// <summary>The pod label Azure's workload identity webhook acts on.</summary>
    public const string AzureUseLabel = "azure.workload.identity/use";

    /// <summary>Env vars that identity webhooks (or users) give containers so SDKs exchange the account's token.</summary>
    private static readonly IReadOnlyList<(string Variable, string Provider)> IdentityEnv =
    [
        ("AWS_ROLE_ARN", "AWS IAM roles for service accounts"),
        ("AZURE_FEDERATED_TOKEN_FILE", "Azure workload identity"),
    ];

    /// <returns>What in the pod shows an identity bound to its account, or null.</returns>
    public static string? InPod(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            foreach (var source in volume.Projected?.Sources ?? [])
            {
                if (source.ServiceAccountToken?.Audience is { Length: > 0 } audience && IsCloudAudience(audience))
                {
                    return $"volume \"{volume.Name}\" is a projected ServiceAccount token for the audience \"{audience}\"";
                }
            }
        }

        foreach (var container in (pod.Spec?.InitContainers ?? []).Concat(pod.Spec?.Containers ?? []))
        {
            foreach (var (variable, provider) in IdentityEnv)
            {
                if (container.Env?.Any(e => e.Name == variable) == true)
                {
                    return $"container \"{container.Name}\" has the env var {variable} ({provider})";
                }
            }
        }

        if (pod.Metadata?.Labels?.TryGetValue(AzureUseLabel, out var use) == true && string.Equals(use, "true", StringComparison.OrdinalIgnoreCase))
        {
            return $"the pod has the label {AzureUseLabel}=true (Azure workload identity)";
        }

        return null;
    }

    /// <returns>Which identity annotation the account has, or null (also when its annotations are unknown).</returns>
    public static string? OnAccount(string account, IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null)
        {
            return null;
        }

        foreach (var (annotation, provider) in AccountAnnotations)
        {
            if (annotations.ContainsKey(annotation))
            {
                return $"ServiceAccount \"{account}\" has the annotation \"{annotation}\" ({provider})";
            }
        }

        return null;
    }

    /// <summary>
    /// The audiences the cloud providers' token exchanges accept: AWS STS (IRSA) and EKS Pod Identity, Azure AD
    /// workload identity federation, and Google's workload identity pools (<c>PROJECT.svc.id.goog</c>, or the
    /// pool's full resource name).
    /// </summary>
    public static bool IsCloudAudience(string audience) =>
        audience is "sts.amazonaws.com" or "pods.eks.amazonaws.com" or "api://AzureADTokenExchange"
        || audience.EndsWith(".svc.id.goog", StringComparison.Ordinal)
        || audience.StartsWith("//iam.googleapis.com/", StringComparison.Ordinal)
        || audience.StartsWith("https://iam.googleapis.com/", StringComparison.Ordinal);

    /// <summary>The denial: what identity the pod's account carries, why switching would move it, and the fix.</summary>
    public static string SwitchDenial(string description, string account, string dedicatedAccount, string evidence) =>
        $"{description} runs as ServiceAccount \"{account}\", which carries an identity outside the cluster: {evidence}. " +
        $"single-active would switch the pod to ServiceAccount \"{dedicatedAccount}\" (the elector's rights, Leases and reading the namespace's pods, must not go to every pod that uses \"{account}\"), " +
        "and the app would silently lose that identity. Give the workload a ServiceAccount of its own that carries the identity " +
        "(create it, move the identity's annotation or trust to it, and set spec.serviceAccountName); the webhook keeps a pod's own account and binds it to the elector's role";
}
