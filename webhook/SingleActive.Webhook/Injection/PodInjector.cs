using System.Text.Json.Nodes;
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
    public PodInjection Inject(V1Pod pod, InjectionContext context) => Inject(pod, context, out _);

    /// <summary>
    /// As <see cref="Inject(V1Pod, InjectionContext)"/>; when injecting, also hands out the original pod's
    /// <see cref="KubernetesObjectJson.ToNode"/> form, which the copy is made from and the patch starts from.
    /// </summary>
    internal PodInjection Inject(V1Pod pod, InjectionContext context, out JsonNode? podJson)
    {
        podJson = null;
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

        var settings = InjectionSettingsResolver.Resolve(pod, _options, context, description, out var error);
        if (settings is null)
        {
            return new PodInjection.Denied(error!);
        }

        // A deep copy through the serializer the patch is computed with, so the two cannot differ in representation.
        podJson = KubernetesObjectJson.ToNode(pod);
        var copy = KubernetesJson.Deserialize<V1Pod>(podJson);
        var rendered = PodRenderer.Render(copy, settings, _options);
        var account = new ServiceAccountRequest(
            context.Namespace ?? copy.Metadata?.NamespaceProperty ?? "",
            rendered.ServiceAccountName,
            rendered.CreateServiceAccount,
            settings.Mode);
        return new PodInjection.Injected(copy, account, rendered.Status, rendered.Warnings);
    }
}
