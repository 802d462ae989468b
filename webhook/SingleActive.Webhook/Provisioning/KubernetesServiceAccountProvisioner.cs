using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SingleActive.Contract;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Logging;
using SingleActive.Webhook.Metrics;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Creates the elector's ServiceAccount (when the webhook chose it) and the RoleBinding(s) to the elector
/// ClusterRole(s) in the pod's namespace, then adds the account to the subjects of the ClusterRoleBinding
/// <see cref="ElectorRbacNames.NodeClusterRoleBinding"/> (node read, for drain-aware handover; the same write drops the
/// accounts of deleted namespaces, see <see cref="NodeBindingSubjects"/>). Create-first:
/// AlreadyExists is success, so concurrent admissions and webhook replicas race safely. Successes are cached per
/// (namespace, account, mode) for <see cref="ProvisioningOptions.CacheTtl"/>, together with the namespace's uid, so
/// only the first pod of a workload pays for the writes: later ones read the namespace (one GET) and provision again
/// when it is another namespace of the same name (deleted and created again, as CI and preview environments do;
/// its objects went with the old one, and the API server would refuse pods of an account that does not exist).
/// A node binding that is missing, refers to another role or may not be touched does not keep the pod out (it works without it): a warning at most once per cache period, and its own metric result.
/// On servers before 1.21 a freshly created account is only returned once its token Secret exists (see
/// <see cref="ProvisioningOptions.TokenSecretWait"/>).
/// </summary>
public sealed partial class KubernetesServiceAccountProvisioner(
    ClusterConnection connection,
    IClusterVersion clusterVersion,
    IOptions<ProvisioningOptions> options,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<KubernetesServiceAccountProvisioner> logger) : IServiceAccountProvisioner
{
    /// <summary>From 1.21 (BoundServiceAccountTokenVolume on by default) pods get projected tokens and no longer need the Secret.</summary>
    public static readonly Version ProjectedTokenMinimum = new(1, 21);

    private readonly ConcurrentDictionary<ServiceAccountRequest, Verified> verified = new();

    /// <summary>Subjects named in one log line of removals; the rest are counted.</summary>
    private const int RemovedNamed = 20;

    /// <summary>
    /// Per kind of node-binding warning (a <see cref="NodeBindingProblem.MetricResult"/>, or <c>prune-</c> and a
    /// <see cref="PruneProblem.Cause"/>), and the namespace read's 403: once per cache period, since until deploy/ is upgraded every account of every
    /// namespace meets the same one (a node-binding problem is still counted in the provisioning metric at each admission).
    /// </summary>
    private readonly OncePerPeriod warnings = new(timeProvider);

    public async Task EnsureAsync(ServiceAccountRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var subject = $"{request.Namespace}/{request.ServiceAccountName}";
        if (connection.Client is not { } client)
        {
            metrics.Provisioning.Inc("error");
            throw new ProvisioningException($"cannot make sure ServiceAccount {subject} exists: no Kubernetes API configured (set KUBECONFIG or run in a cluster)");
        }

        var (namespaceUid, forbidden) = await NamespaceUid.ReadAsync(client, request.Namespace, timeProvider, cancellationToken).ConfigureAwait(false);
        if (forbidden is not null && this.warnings.IsDue("namespace-get-forbidden", settings.CacheTtl))
        {
            LogNamespaceUnreadable(logger, forbidden, settings.CacheTtl.TotalMinutes);
        }

        if (verified.TryGetValue(request, out var known) && timeProvider.GetUtcNow() < known.Until)
        {
            // A namespace unreadable now or then (no permission yet, the API slow) trusts the cache, as before it was checked.
            if (namespaceUid is null || known.NamespaceUid is null || namespaceUid == known.NamespaceUid)
            {
                metrics.Provisioning.Inc("cached");
                return;
            }

            LogNamespaceRecreated(logger, request.Namespace, subject);
        }

        // The writes' own time starts after the namespace read, which has its own limit (NamespaceUid.ReadTimeout).
        using var timeout = new CancellationTokenSource(settings.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var calls = new RbacApiCalls(client, linked.Token);

        var created = new List<string>();
        NodeBindingWrite nodeBinding;
        try
        {
            if (request.CreateServiceAccount && await calls.CreateServiceAccountAsync(request.Namespace, request.ServiceAccountName).ConfigureAwait(false))
            {
                created.Add($"ServiceAccount {subject}");
                if (NeedsTokenSecret(settings) && !await calls.WaitForTokenSecretAsync(request.Namespace, request.ServiceAccountName, settings.TokenSecretWait, timeProvider).ConfigureAwait(false))
                {
                    LogNoTokenSecret(logger, subject, settings.TokenSecretWait.TotalSeconds);
                }
            }

            foreach (var role in ElectorRbacNames.ClusterRolesFor(request.Mode))
            {
                var binding = ElectorRbacNames.RoleBindingName(role, request.ServiceAccountName);
                if (await calls.EnsureRoleBindingAsync(request.Namespace, binding, role, request.ServiceAccountName).ConfigureAwait(false))
                {
                    created.Add($"RoleBinding {request.Namespace}/{binding}");
                }
            }

            nodeBinding = await new NodeBindingSubjects(client, timeProvider, linked.Token).EnsureAsync(
                ElectorRbacNames.NodeClusterRoleBinding, ElectorRbacNames.NodeClusterRole, request.Namespace, request.ServiceAccountName).ConfigureAwait(false);
            if (nodeBinding.Added)
            {
                created.Add($"subject {subject} of ClusterRoleBinding {ElectorRbacNames.NodeClusterRoleBinding}");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            metrics.Provisioning.Inc("error");
            throw new ProvisioningException(
                $"cannot make sure ServiceAccount {subject} is bound to ClusterRole {ElectorRbacNames.ElectorClusterRole}: the Kubernetes API did not answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (RbacApiException e)
        {
            metrics.Provisioning.Inc("error");
            LogFailed(logger, e.Message);
            throw new ProvisioningException(e.Message, e.InnerException);
        }

        verified[request] = new Verified(timeProvider.GetUtcNow() + settings.CacheTtl, namespaceUid);
        metrics.Provisioning.Inc(nodeBinding.Problem?.MetricResult ?? (created.Count > 0 ? "created" : "exists"));
        if (created.Count > 0)
        {
            LogCreated(logger, string.Join(", ", created));
        }

        if (nodeBinding.Removed is { Count: > 0 } removed)
        {
            var named = string.Join(", ", removed.Take(RemovedNamed)) + (removed.Count > RemovedNamed ? $" and {removed.Count - RemovedNamed} more" : "");
            LogNodeBindingPruned(logger, removed.Count, ElectorRbacNames.NodeClusterRoleBinding, named);
        }

        if (nodeBinding.Problem is { } problem && this.warnings.IsDue(problem.MetricResult, settings.CacheTtl))
        {
            LogNodeBindingUnavailable(logger, problem.Message, settings.CacheTtl.TotalMinutes, problem.MetricResult);
        }

        if (nodeBinding.PruneProblem is { } pruneProblem && this.warnings.IsDue("prune-" + pruneProblem.Cause, settings.CacheTtl))
        {
            LogNodeBindingPruneProblem(logger, pruneProblem.Message, settings.CacheTtl.TotalMinutes);
        }
    }

    private bool NeedsTokenSecret(ProvisioningOptions settings) =>
        settings.TokenSecretWait > TimeSpan.Zero && clusterVersion.ServerVersion is { } version && version < ProjectedTokenMinimum;

    /// <summary>Forgets cached successes and warnings already said, e.g. after a test deleted the objects.</summary>
    public void ClearCache()
    {
        verified.Clear();
        this.warnings.Clear();
    }

    [LoggerMessage(EventId = EventIds.NamespaceUnreadable, Level = LogLevel.Warning, Message = "{Problem}. Said at most once every {Minutes} min")]
    private static partial void LogNamespaceUnreadable(ILogger logger, string problem, double minutes);

    [LoggerMessage(EventId = EventIds.NamespaceRecreated, Level = LogLevel.Information, Message = "Namespace {Namespace} was deleted and created again since its elector account was provisioned: provisioning {Account} again")]
    private static partial void LogNamespaceRecreated(ILogger logger, string @namespace, string account);

    [LoggerMessage(EventId = EventIds.ProvisioningCreated, Level = LogLevel.Information, Message = "Created {Objects}")]
    private static partial void LogCreated(ILogger logger, string objects);

    [LoggerMessage(EventId = EventIds.ProvisioningFailed, Level = LogLevel.Warning, Message = "Provisioning failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.NodeBindingUnavailable, Level = LogLevel.Warning, Message = "{Problem}. Said at most once every {Minutes} min; each admission that meets it is counted in single_active_provisioning_total with result {Result}")]
    private static partial void LogNodeBindingUnavailable(ILogger logger, string problem, double minutes, string result);

    [LoggerMessage(EventId = EventIds.NodeBindingPruneProblem, Level = LogLevel.Warning, Message = "{Problem}. The account was added; said at most once every {Minutes} min")]
    private static partial void LogNodeBindingPruneProblem(ILogger logger, string problem, double minutes);

    [LoggerMessage(EventId = EventIds.NodeBindingPruned, Level = LogLevel.Information, Message = "Removed {Count} subject(s) from ClusterRoleBinding {Binding} whose namespace no longer exists: {Subjects}")]
    private static partial void LogNodeBindingPruned(ILogger logger, int count, string binding, string subjects);

    [LoggerMessage(EventId = EventIds.TokenSecretMissing, Level = LogLevel.Warning, Message = "ServiceAccount {Account} has no token Secret after {Seconds} s; the API server asks the first pod to retry until the token controller writes it")]
    private static partial void LogNoTokenSecret(ILogger logger, string account, double seconds);

    /// <summary>A success: trusted until <paramref name="Until"/> while the namespace keeps <paramref name="NamespaceUid"/> (null: it could not be read).</summary>
    private sealed record Verified(DateTimeOffset Until, string? NamespaceUid);
}
