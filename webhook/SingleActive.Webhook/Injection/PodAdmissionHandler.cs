using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Contract;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Admission for core/v1 Pods: reads the pod, runs <see cref="PodInjector"/>, makes sure the elector's
/// ServiceAccount is ready (unless dry run) and answers with the patch. Never throws for bad input:
/// every failure is a denial whose message names the problem (fail closed for opted-in pods).
/// On dry run, a switch to the dedicated account is kept only when <paramref name="serviceAccounts"/> says
/// it exists (none registered = cannot tell), because a dry run creates nothing.
/// </summary>
public sealed class PodAdmissionHandler(
    PodInjector injector,
    IServiceAccountProvisioner provisioner,
    IClusterVersion? clusterVersion = null,
    ILogger<PodAdmissionHandler>? logger = null,
    IServiceAccountLookup? serviceAccounts = null) : IResourceHandler
{
    private readonly ILogger logger = logger ?? (ILogger)NullLogger.Instance;

    public bool CanHandle(GroupVersionKind kind) =>
        kind is { Group: null or "", Version: "v1", Kind: "Pod" };

    public async Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Only creation injects: a pod's containers are immutable afterwards, and an UPDATE of an
        // opted-in pod must not be blocked by the webhook.
        if (!string.Equals(request.Operation, "CREATE", StringComparison.Ordinal) || !string.IsNullOrEmpty(request.SubResource))
        {
            return MutationResult.Skip("not a pod creation");
        }

        var outline = PodOutline.Of(request.Object);
        if (outline.PlainlyNotOptedIn)
        {
            return MutationResult.Skip("not opted in");
        }

        var pod = PodReader.Read(request.Object, outline, out var problem);
        if (pod is null)
        {
            PodInjectionLog.Unreadable(this.logger, request.Namespace, problem!);
            return MutationResult.Deny(problem!);
        }

        var ns = string.IsNullOrEmpty(pod.Metadata?.NamespaceProperty) ? request.Namespace : pod.Metadata.NamespaceProperty;
        var context = new InjectionContext(ns, request.DryRun == true, clusterVersion?.ServerVersion, OldestKubelet: clusterVersion?.OldestKubeletVersion);
        var description = PodDescriptions.Describe(pod, ns);
        MutationResult result;
        try
        {
            (result, context) = await InjectAsync(pod, context, description, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // A pod shape nobody anticipated must still get an answer; opted-in pods fail closed.
            PodInjectionLog.InjectionError(this.logger, e, description);
            return MutationResult.Deny($"single-active could not inject {description}: {e.Message}");
        }

        switch (result)
        {
            case { Injected: { } injected }:
                return await CompleteAsync(result, injected, context, description, cancellationToken).ConfigureAwait(false);
            case { Allowed: false }:
                PodInjectionLog.Denied(this.logger, description, result.Message!);
                break;
            case { Decision: Decisions.AlreadyInjected }:
                PodInjectionLog.AlreadyInjected(this.logger, description);
                break;
            case { Warnings: not null }:
                PodInjectionLog.NotPatched(this.logger, description, result.Message!);
                break;
            default:
                PodInjectionLog.Skipped(this.logger, description, result.Message!);
                break;
        }

        return result;
    }

    /// <summary>
    /// decide + render. A pod that would be switched to the dedicated account first has its own account's annotations
    /// read, so that a cloud identity on it is never moved silently; on a dry run, whether the dedicated account exists
    /// is found out too (a fact render takes as input, like the server version), so the pod is rendered once.
    /// </summary>
    private async Task<(MutationResult Result, InjectionContext Context)> InjectAsync(
        V1Pod pod, InjectionContext context, string description, CancellationToken cancellationToken)
    {
        if (injector.Decide(pod, context, out var settings) is { } decided)
        {
            return (decided, context);
        }

        if (serviceAccounts is not null && !string.IsNullOrEmpty(context.Namespace) && PodRenderer.SwitchesToDedicatedAccount(pod.Spec))
        {
            var own = PodRenderer.CurrentAccountOrDefault(pod.Spec);
            var annotations = await serviceAccounts.AnnotationsAsync(context.Namespace, own, cancellationToken).ConfigureAwait(false);
            context = context with { AccountAnnotations = annotations };

            // Decide already checked the pod itself; only annotations that could be read add anything.
            if (annotations is not null && injector.CheckAccount(pod, context) is { } denied)
            {
                return (denied, context);
            }
        }

        if (context.DryRun && PodRenderer.SwitchesToDedicatedAccount(pod.Spec))
        {
            var account = new ServiceAccountRequest(
                context.Namespace ?? pod.Metadata?.NamespaceProperty ?? "",
                injector.Options.ServiceAccountName,
                CreateServiceAccount: true,
                settings!.Mode);
            var availability = await DedicatedAccountAsync(account, description, cancellationToken).ConfigureAwait(false);
            if (availability != ServiceAccountAvailability.Assumed)
            {
                context = context with { DedicatedAccount = availability };
                settings = settings with { DedicatedAccount = availability };
            }
        }

        // In place: the pod was read from this request and nothing reads it after render.
        return (injector.Render(pod, context, settings!), context);
    }

    /// <summary>Dry run only: whether the dedicated account exists; never creates it.</summary>
    private async Task<ServiceAccountAvailability> DedicatedAccountAsync(ServiceAccountRequest account, string description, CancellationToken cancellationToken)
    {
        var exists = serviceAccounts is null
            ? null
            : await serviceAccounts.ExistsAsync(account.Namespace, account.ServiceAccountName, cancellationToken).ConfigureAwait(false);
        var availability = exists switch
        {
            true => ServiceAccountAvailability.Assumed,
            false => ServiceAccountAvailability.Missing,
            null => ServiceAccountAvailability.Unknown,
        };
        if (availability != ServiceAccountAvailability.Assumed)
        {
            PodInjectionLog.DryRunKeepsAccount(this.logger, description, account.ServiceAccountName, availability == ServiceAccountAvailability.Missing ? "missing" : "unknown");
        }

        return availability;
    }

    private async Task<MutationResult> CompleteAsync(MutationResult result, InjectedPod injected, InjectionContext context, string description, CancellationToken cancellationToken)
    {
        var account = injected.ServiceAccount;
        if (!context.DryRun)
        {
            // Before answering: the API server rejects a pod whose ServiceAccount does not exist.
            try
            {
                await provisioner.EnsureAsync(account, cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisioningException e)
            {
                PodInjectionLog.ProvisioningFailed(this.logger, description, account.ServiceAccountName, e.Message);
                return MutationResult.Deny(e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PodInjectionLog.ProvisioningError(this.logger, e, description, account.ServiceAccountName);
                return MutationResult.Deny(
                    $"single-active could not make sure ServiceAccount \"{account.ServiceAccountName}\" in namespace \"{account.Namespace}\" exists and is bound: {e.Message}");
            }
        }

        var status = injected.Status;
        PodInjectionLog.Injected(this.logger, description, status.Lease, status.Sidecar, ElectorModes.Format(status.Mode), status.ServiceAccount, status.Port, context.DryRun);
        return result;
    }
}
