using k8s.Models;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>The opted-in ones of some Deployments and StatefulSets (<see cref="FakeNamespaceLookup{T}"/>).</summary>
internal sealed class FakeWorkloadLookup(params object[]? workloads)
    : FakeNamespaceLookup<SingleActiveWorkload>(workloads is null ? null : [.. workloads.Select(OptedIn).OfType<SingleActiveWorkload>()], w => w.Workload.Namespace), IWorkloadLookup
{
    private static SingleActiveWorkload? OptedIn(object workload) => workload switch
    {
        V1Deployment d => SingleActiveWorkload.From(d),
        V1StatefulSet s => SingleActiveWorkload.From(s),
        _ => throw new ArgumentException("a Deployment or StatefulSet", nameof(workload)),
    };
}
