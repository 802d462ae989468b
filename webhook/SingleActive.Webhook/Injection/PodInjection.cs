using k8s.Models;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Injection;

/// <summary>The result of <see cref="PodInjector.Inject"/>: exactly one of the nested cases.</summary>
public abstract record PodInjection
{
    private PodInjection()
    {
    }

    /// <summary>Refused; <paramref name="Message"/> names the problem and how to fix it.</summary>
    public sealed record Denied(string Message) : PodInjection;

    /// <summary>
    /// Not injected, and allowed unchanged: not opted in, or a pod that must never be patched (a mirror pod);
    /// <paramref name="Warning"/>, when set, is returned to the client and logged.
    /// </summary>
    public sealed record Skipped(string Reason, string? Warning = null) : PodInjection;

    /// <summary>Our status annotation is present: re-invocation is a no-op.</summary>
    public sealed record AlreadyInjected : PodInjection;

    /// <summary>
    /// <paramref name="Pod"/> is a mutated copy (the input is untouched); <paramref name="ServiceAccount"/>
    /// must exist and be bound before the pod is admitted.
    /// </summary>
    public sealed record Injected(V1Pod Pod, ServiceAccountRequest ServiceAccount, InjectionStatus Status, IReadOnlyList<string> Warnings) : PodInjection;
}
