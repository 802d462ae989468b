using k8s;
using SingleActive.E2E.Tests.Kubelet.Network;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>What a node's pod workers share: the kubelet's API client (through the node's own link, so a partition cuts it), the pod network and the kubelet's settings.</summary>
internal sealed record NodeContext(
    IKubernetes Client,
    ProcessKubeletOptions Options,
    PodNetwork Network,
    IReadOnlyDictionary<string, string> ServiceVariables,
    ChildProcessRegistry Registry,
    Action<string> Log);
