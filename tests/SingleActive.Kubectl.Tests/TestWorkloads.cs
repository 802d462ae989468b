using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Tests;

/// <summary>Typed objects as the API server returns them, for the pure parts of the plugin.</summary>
public static class TestWorkloads
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static V1Deployment Deployment(string ns, string name, string? mode = null, IDictionary<string, string>? annotations = null, string? maxUnavailable = "100%")
    {
        var templateAnnotations = new Dictionary<string, string> { [Annotations.Enabled] = "true" };
        if (mode is not null)
        {
            templateAnnotations[Annotations.Mode] = mode;
        }

        foreach (var (k, v) in annotations ?? new Dictionary<string, string>())
        {
            templateAnnotations[k] = v;
        }

        return new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1DeploymentSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Strategy = maxUnavailable is null ? null : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = maxUnavailable, MaxSurge = "25%" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name }, Annotations = templateAnnotations },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
                },
            },
        };
    }

    public static SingleActiveWorkload Workload(string ns = "shop", string name = "web", string? mode = null) =>
        SingleActiveWorkload.From(Deployment(ns, name, mode))!;

    public static V1Lease Lease(string name, string? holder, int transitions, DateTimeOffset? acquired, IDictionary<string, string>? annotations = null, int duration = 15, DateTimeOffset? renewed = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Annotations = annotations },
        Spec = new V1LeaseSpec { HolderIdentity = holder, LeaseTransitions = transitions, AcquireTime = acquired?.UtcDateTime, LeaseDurationSeconds = duration, RenewTime = renewed?.UtcDateTime },
    };

    public static V1Pod Pod(string name, string node, bool? candidate, string lease = "web", string sidecar = "container", string serviceAccount = "single-active-elector") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Annotations = new Dictionary<string, string> { [Annotations.Status] = $$"""{"version":"1.0.0","lease":"{{lease}}","sidecar":"{{sidecar}}","sidecarReason":"auto: test","mode":"readiness"}""" },
        },
        Spec = new V1PodSpec { NodeName = node, ServiceAccountName = serviceAccount, Containers = [] },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = candidate is { } c ? [new V1PodCondition { Type = PodConditions.Candidate, Status = c ? "True" : "False" }] : [],
        },
    };
}
