using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Cluster;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// <see cref="IServiceAccountLookup"/> with one GET on the ServiceAccount (the webhook's ClusterRole holds
/// <c>get</c> on serviceaccounts), bounded by <see cref="ProvisioningOptions.Timeout"/>. 404 is "missing";
/// anything else that is not a success is "unknown", logged, never an exception.
/// </summary>
public sealed partial class KubernetesServiceAccountLookup(
    ClusterConnection connection,
    IOptions<ProvisioningOptions> options,
    TimeProvider timeProvider,
    ILogger<KubernetesServiceAccountLookup> logger) : IServiceAccountLookup
{
    public async Task<bool?> ExistsAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (connection.Client is not { } client)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(options.Value.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await client.CoreV1.ReadNamespacedServiceAccountAsync(name, @namespace, cancellationToken: linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (HttpOperationException e)
        {
            LogUnknown(logger, @namespace, name, $"the Kubernetes API answered {(int)e.Response.StatusCode} {e.Response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            LogUnknown(logger, @namespace, name, $"the Kubernetes API cannot be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogUnknown(logger, @namespace, name, $"the Kubernetes API did not answer within {options.Value.Timeout.TotalSeconds:0.#} s");
        }

        return null;
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Cannot tell whether ServiceAccount {Namespace}/{Name} exists: {Reason}")]
    private static partial void LogUnknown(ILogger logger, string @namespace, string name, string reason);
}
