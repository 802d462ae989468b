using System.Net;
using SingleActive.E2E.Tests.Kubelet.Network;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>Where a kubelet's probes of a pod go: its primary pod IP, reached from the node's side of the pod network.</summary>
internal sealed record ProbeTarget(PodNetwork Network, IPAddress PodIp);
