namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Makes sure the elector's final ServiceAccount exists (when the webhook chose it), is bound to the
/// elector ClusterRole in the pod's namespace and may read its node (a subject of the node-reading
/// ClusterRoleBinding, best effort). Idempotent; AlreadyExists is success. Never called on dryRun.
/// Throws <see cref="ProvisioningException"/> with a message that says what failed.
/// </summary>
public interface IServiceAccountProvisioner
{
    Task EnsureAsync(ServiceAccountRequest request, CancellationToken cancellationToken);
}
