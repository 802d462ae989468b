using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The elector container's requests and limits: the webhook's options, overridden per pod by the
/// <c>single-active.io/cpu-request</c>, <c>memory-request</c>, <c>cpu-limit</c> and <c>memory-limit</c>
/// annotations (like Istio's <c>sidecar.istio.io/proxyCPU</c> family). Namespaces with a ResourceQuota on
/// <c>limits.cpu</c> reject a pod whose elector has no CPU limit, and LimitRanges may demand other values.
/// </summary>
/// <param name="CpuLimit">Null: no CPU limit (the default: CFS throttling would delay renewals).</param>
public sealed record ElectorResources(string CpuRequest, string MemoryRequest, string? CpuLimit, string MemoryLimit)
{
    public static ElectorResources From(InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.CpuRequest, options.MemoryRequest, options.CpuLimit, options.MemoryLimit);
    }

    /// <summary>The options with the pod's overrides; each bad value is added to <paramref name="errors"/>, naming its annotation.</summary>
    public static ElectorResources Resolve(IDictionary<string, string> annotations, InjectorOptions options, string description, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(errors);
        var defaults = From(options);
        var resolved = new ElectorResources(
            Override(Annotations.CpuRequest, defaults.CpuRequest)!,
            Override(Annotations.MemoryRequest, defaults.MemoryRequest)!,
            Override(Annotations.CpuLimit, defaults.CpuLimit),
            Override(Annotations.MemoryLimit, defaults.MemoryLimit)!);

        // The API server refuses a request above its limit; say which value to raise instead.
        CheckOrder("cpu", resolved.CpuRequest, resolved.CpuLimit, Annotations.CpuRequest, Annotations.CpuLimit);
        CheckOrder("memory", resolved.MemoryRequest, resolved.MemoryLimit, Annotations.MemoryRequest, Annotations.MemoryLimit);
        return resolved;

        string? Override(string key, string? fallback)
        {
            if (!annotations.TryGetValue(key, out var text))
            {
                return fallback;
            }

            if (ResourceQuantities.IsValid(text?.Trim()))
            {
                return text!.Trim();
            }

            errors.Add($"annotation \"{key}\" on {description} is \"{text}\"; expected a Kubernetes quantity such as 10m, 0.5, 24Mi or 1Gi");
            return fallback;
        }

        void CheckOrder(string resource, string request, string? limit, string requestKey, string limitKey)
        {
            if (limit is null || !ResourceQuantities.IsValid(request) || !ResourceQuantities.IsValid(limit)
                || ResourceQuantities.ValueOf(request) <= ResourceQuantities.ValueOf(limit))
            {
                return;
            }

            var source = annotations.ContainsKey(limitKey) ? $"annotation \"{limitKey}\"" : "the webhook's default";
            errors.Add($"the elector's {resource} request on {description} ({request}) is above its {resource} limit ({limit}, {source}), which the API server refuses; " +
                $"lower \"{requestKey}\" or set \"{limitKey}\" to at least {request}");
        }
    }

    /// <summary>
    /// The smallest memory limit the elector gets without a word: it runs at about 20 MiB resident when idle (docs/elector.md,
    /// "Footprint") and needs more while it reconnects; under a lower limit the kernel OOM-kills it in a loop. The webhook's
    /// own <c>Injector:MemoryLimit</c> below it stops start-up; a pod's annotation below it is warned about.
    /// </summary>
    public const string LowestSafeMemoryLimit = "32Mi";

    /// <summary>Whether <paramref name="memoryLimit"/> is a valid quantity below <see cref="LowestSafeMemoryLimit"/>.</summary>
    public static bool IsBelowLowestSafe(string? memoryLimit) =>
        ResourceQuantities.IsValid(memoryLimit) && ResourceQuantities.ValueOf(memoryLimit!) < ResourceQuantities.ValueOf(LowestSafeMemoryLimit);

    /// <summary>A warning when the pod's <c>memory-limit</c> annotation set <see cref="MemoryLimit"/> below <see cref="LowestSafeMemoryLimit"/>; null otherwise.</summary>
    public string? MemoryLimitWarning(IDictionary<string, string>? annotations, string description)
    {
        if (annotations?.ContainsKey(Annotations.MemoryLimit) != true || !IsBelowLowestSafe(MemoryLimit))
        {
            return null;
        }

        return $"single-active: the elector's memory limit on {description} is {MemoryLimit} (annotation \"{Annotations.MemoryLimit}\"), below {LowestSafeMemoryLimit}: " +
            "it uses about 20 MiB at rest and more while it reconnects, so it would be OOM-killed again and again (in readiness mode the pod then never leads for long). " +
            $"Set the annotation to at least {LowestSafeMemoryLimit}, or remove it for the webhook's default";
    }

    public V1ResourceRequirements ToRequirements(Func<string, ResourceQuantity> quantity)
    {
        ArgumentNullException.ThrowIfNull(quantity);
        var requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = quantity(CpuRequest), ["memory"] = quantity(MemoryRequest) };
        var limits = new Dictionary<string, ResourceQuantity> { ["memory"] = quantity(MemoryLimit) };
        if (CpuLimit is { } cpuLimit)
        {
            limits["cpu"] = quantity(cpuLimit);
        }

        return new V1ResourceRequirements { Requests = requests, Limits = limits };
    }
}
