using System.Net;
using k8s;
using k8s.Autorest;
using SingleActive.Kube.ApiConnection;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// A namespace's uid, which tells a namespace from another one created later under the same name (see
/// <see cref="KubernetesServiceAccountProvisioner"/>). Bounded by <see cref="ReadTimeout"/> of its own, so a slow read
/// never eats the provisioning's writes' time (<see cref="ProvisioningOptions.Timeout"/>).
/// </summary>
public static class NamespaceUid
{
    /// <summary>How long the read may take before the caller goes on without the uid.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The uid of namespace <paramref name="namespace"/>: "" when there is none; null when it cannot be read in time,
    /// with <paramref name="forbidden"/> set when that is because the webhook's ClusterRole lacks <c>get</c> on namespaces.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<(string? Uid, string? Forbidden)> ReadAsync(IKubernetes client, string @namespace, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var found = await client.CoreV1.ReadNamespaceAsync(@namespace, cancellationToken: linked.Token).ConfigureAwait(false);
            return (found.Metadata?.Uid ?? "", null);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return ("", null);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            return (null,
                $"cannot read namespace {@namespace}: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"get\" on namespaces, " +
                "so a namespace deleted and created again under the same name is provisioned only once Provisioning:CacheTtl has passed " +
                $"(its pods are refused until then: their account does not exist); apply deploy/ of this version ({ApiStatusMessage.Of(e)})");
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException
            || (e is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return (null, null);
        }
    }
}
