using System.Text.Json;
using k8s;
using k8s.Models;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// decide + render for one pod, without HTTP or I/O: the webhook's pod handler, the workload handlers
/// (for pod templates) and offline injection all go through here.
/// </summary>
public sealed class PodInjector
{
    private readonly InjectorOptions options;
    private readonly RenderedJsonCache renderedJson = new();

    public PodInjector(InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    public InjectorOptions Options => this.options;

    /// <summary>Never mutates <paramref name="pod"/>; an injected result carries a mutated copy.</summary>
    public MutationResult Inject(V1Pod pod, InjectionContext context)
    {
        var decided = Decide(pod, context, out var settings);
        if (decided is not null)
        {
            return decided;
        }

        // A copy read back from KubernetesClient's own serialization of the pod.
        var copy = JsonSerializer.Deserialize(KubernetesObjectJson.ToUtf8(pod), SourceGenerationContext.Default.V1Pod)!;
        return Render(copy, context, settings!);
    }

    /// <summary>
    /// decide + resolve: the result when the pod is not injected (skip, deny, already injected), otherwise
    /// null and the <paramref name="settings"/> that <see cref="Render"/> takes.
    /// </summary>
    internal MutationResult? Decide(V1Pod pod, InjectionContext context, out InjectionSettings? settings)
    {
        settings = null;
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(context);
        var description = PodDescriptions.Describe(pod, context.Namespace);
        if (InjectionDecider.Decide(pod, description) is { } decided)
        {
            return decided;
        }

        settings = InjectionSettingsResolver.Resolve(pod, this.options, context, description, out var error);
        if (settings is null)
        {
            return MutationResult.Deny(error!);
        }

        if (RunToCompletion.Check(pod.Spec, settings.Sidecar, description) is { } completion)
        {
            settings = null;
            return MutationResult.Deny(completion);
        }

        if (CheckAccount(pod, context) is { } account)
        {
            settings = null;
            return account;
        }

        return null;
    }

    /// <summary>
    /// A pod on the <c>default</c> account is switched to the dedicated one, unless its account carries an identity
    /// outside the cluster, which the switch would silently take from the app: then it is denied, naming the fix.
    /// <see cref="Decide"/> checks the pod itself and <see cref="InjectionContext.AccountAnnotations"/> when known;
    /// the admission handler calls this again once it has read the account's annotations from the API.
    /// </summary>
    internal MutationResult? CheckAccount(V1Pod pod, InjectionContext context)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(context);
        if (!PodRenderer.SwitchesToDedicatedAccount(pod.Spec))
        {
            return null;
        }

        var account = PodRenderer.CurrentAccountOrDefault(pod.Spec);
        return (CloudIdentity.InPod(pod) ?? CloudIdentity.OnAccount(account, context.AccountAnnotations)) is { } evidence
            ? MutationResult.Deny(CloudIdentity.SwitchDenial(PodDescriptions.Describe(pod, context.Namespace), account, this.options.ServiceAccountName, evidence))
            : null;
    }

    /// <summary>
    /// render with settings from <see cref="Decide"/>, on <paramref name="pod"/> itself (the caller owns it:
    /// read for this request, or a copy); the result's patch makes the same change to the object the pod was
    /// read from, written from the typed edits before they are applied.
    /// </summary>
    internal MutationResult Render(V1Pod pod, InjectionContext context, InjectionSettings settings)
    {
        var rendered = PodRenderer.Plan(pod, settings, this.options);
        var patch = PodPatchWriter.Write(pod, rendered.Edits, renderedJson.Get(settings, rendered.AppProbe, rendered.Edits));
        PodRenderer.Apply(pod, rendered.Edits);
        var account = new ServiceAccountRequest(
            context.Namespace ?? pod.Metadata?.NamespaceProperty ?? "",
            rendered.ServiceAccountName,
            rendered.CreateServiceAccount,
            settings.Mode);
        return MutationResult.Inject(new InjectedPod(pod, account, rendered.Status), patch, rendered.Warnings);
    }
}
