using System.Text.Json;
using k8s;
using k8s.Models;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// decide + render for one pod, without HTTP or I/O: the webhook's pod handler, the workload handlers
/// (for pod templates) and offline injection all go through here.
/// </summary>
public sealed class PodInjector
{
    private readonly InjectorOptions _options;

    public PodInjector(InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public InjectorOptions Options => _options;

    /// <summary>Never mutates <paramref name="pod"/>; an injected result carries a mutated copy.</summary>
    public PodInjection Inject(V1Pod pod, InjectionContext context)
    {
        var decided = Decide(pod, context, out var settings);
        return decided ?? Render(pod, context, settings!, out _);
    }

    /// <summary>
    /// decide + resolve: the result when the pod is not injected (skip, deny, already injected), otherwise
    /// null and the <paramref name="settings"/> that <see cref="Render"/> takes.
    /// </summary>
    internal PodInjection? Decide(V1Pod pod, InjectionContext context, out InjectionSettings? settings)
    {
        settings = null;
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(context);
        var description = PodDescriptions.Describe(pod, context.Namespace);
        var decision = InjectionDecider.Decide(pod, description);
        switch (decision.Kind)
        {
            case InjectionDecisionKind.Skip:
                return new PodInjection.Skipped(decision.Message!);
            case InjectionDecisionKind.Deny:
                return new PodInjection.Denied(decision.Message!);
            case InjectionDecisionKind.AlreadyInjected:
                return new PodInjection.AlreadyInjected();
        }

        settings = InjectionSettingsResolver.Resolve(pod, _options, context, description, out var error);
        return settings is null ? new PodInjection.Denied(error!) : null;
    }

    /// <summary>
    /// render with settings from <see cref="Decide"/>: on a copy of <paramref name="pod"/>, or on the pod itself
    /// when the caller owns it (<paramref name="inPlace"/>; it was read for this request and is not used again).
    /// </summary>
    internal PodInjection.Injected Render(V1Pod pod, InjectionContext context, InjectionSettings settings, out byte[] podJson, bool inPlace = false)
    {
        // The original is serialized before render, by the serializer the patch is computed with, so both sides
        // of the diff have one representation. Serialized once: a copy is read from the same text.
        podJson = KubernetesObjectJson.ToUtf8(pod);
        var copy = inPlace ? pod : JsonSerializer.Deserialize(podJson, SourceGenerationContext.Default.V1Pod)!;
        var rendered = PodRenderer.Render(copy, settings, _options);
        var account = new ServiceAccountRequest(
            context.Namespace ?? copy.Metadata?.NamespaceProperty ?? "",
            rendered.ServiceAccountName,
            rendered.CreateServiceAccount,
            settings.Mode);
        return new PodInjection.Injected(copy, account, rendered.Status, rendered.Warnings);
    }
}
