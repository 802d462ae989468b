using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// <see cref="IServiceAccountLookup"/> with one GET on the ServiceAccount (the webhook's ClusterRole holds
/// <c>get</c> on serviceaccounts), bounded by <see cref="ProvisioningOptions.Timeout"/> and at most
/// <see cref="MaximumWait"/>: a lookup comes before provisioning within the API server's webhook timeout
/// (5 s), and a slow answer must leave time for the rest. 404 is "missing"; anything else that is not a
/// success is "unknown", logged, never an exception.
/// </summary>
public sealed partial class KubernetesServiceAccountLookup(
    ClusterConnection connection,
    IOptions<ProvisioningOptions> options,
    TimeProvider timeProvider,
    ILogger<KubernetesServiceAccountLookup> logger) : IServiceAccountLookup
{
    public static readonly TimeSpan MaximumWait = TimeSpan.FromSeconds(1.5);

    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public async Task<bool?> ExistsAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        await ReadAsync(@namespace, name, cancellationToken).ConfigureAwait(false) switch
        {
            { Known: false } => null,
            { Account: null } => false,
            _ => true,
        };

    public async Task<IReadOnlyDictionary<string, string>?> AnnotationsAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var (known, account) = await ReadAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        return !known ? null : account?.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : None;
    }

    private async Task<(bool Known, V1ServiceAccount? Account)> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (connection.Client is not { } client)
        {
            return (false, null);
        }

        var wait = options.Value.Timeout < MaximumWait ? options.Value.Timeout : MaximumWait;
        using var timeout = new CancellationTokenSource(wait, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return (true, await client.CoreV1.ReadNamespacedServiceAccountAsync(name, @namespace, cancellationToken: linked.Token).ConfigureAwait(false));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return (true, null);
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
            LogUnknown(logger, @namespace, name, $"the Kubernetes API did not answer within {wait.TotalSeconds:0.#} s");
        }

        return (false, null);
    }

    [LoggerMessage(EventId = EventIds.ServiceAccountUnreadable, Level = LogLevel.Warning, Message = "Cannot read ServiceAccount {Namespace}/{Name}: {Reason}")]
    private static partial void LogUnknown(ILogger logger, string @namespace, string name, string reason);
}
