using k8s.Models;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// What an injected <see cref="Admission.MutationResult"/> carries beyond its patch: <paramref name="Pod"/> is a
/// mutated copy (or the request's own pod, which nothing reads afterwards); <paramref name="ServiceAccount"/> must
/// exist and be bound before the pod is admitted; <paramref name="Status"/> is what the status annotation records.
/// </summary>
public sealed record InjectedPod(V1Pod Pod, ServiceAccountRequest ServiceAccount, InjectionStatus Status);
