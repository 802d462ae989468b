using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Registers the process kubelet's Node and keeps it Ready: capacity for the scheduler, the
/// not-ready taint removed (the TaintNodesByCondition admission plugin adds it; the node lifecycle controller, which
/// would remove it, runs only where the control plane was asked for it), and a heartbeat on the node status and its
/// Lease in kube-node-lease, as a kubelet does.
/// </summary>
internal sealed class NodeAgent(IKubernetes client, ProcessKubeletOptions options, Action<string> log)
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(10);
    private readonly DateTime since = DateTime.UtcNow;

    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = options.NodeName,
                Labels = new Dictionary<string, string>
                {
                    ["kubernetes.io/hostname"] = options.NodeName,
                    ["kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = "amd64",
                },
            },
        };
        try
        {
            await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // A node from an earlier kubelet instance of this run: take it over.
        }

        await client.CoreV1.PatchNodeAsync(new V1Patch("""{"spec":{"taints":null,"unschedulable":false}}""", V1Patch.PatchType.MergePatch), options.NodeName, cancellationToken: cancellationToken);
        await HeartbeatAsync(cancellationToken);
        log($"node {options.NodeName} registered and Ready");
    }

    public async Task RunHeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(HeartbeatPeriod);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await HeartbeatAsync(cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Any failure, a client timeout after a long partition included: a kubelet keeps heartbeating.
                log($"node heartbeat failed: {exception.Message}");
            }
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new("16"),
            ["memory"] = new("64Gi"),
            ["pods"] = new("250"),
            ["ephemeral-storage"] = new("100Gi"),
        };
        V1NodeCondition Condition(string type, string status, string reason) =>
            new() { Type = type, Status = status, Reason = reason, LastHeartbeatTime = now, LastTransitionTime = since, Message = reason };
        var status = new V1Node
        {
            Status = new V1NodeStatus
            {
                Capacity = resources,
                Allocatable = resources,
                Conditions =
                [
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID"),
                    Condition("Ready", "True", "KubeletReady"),
                ],
                Addresses = [new V1NodeAddress { Address = options.NodeAddress, Type = "InternalIP" }, new V1NodeAddress { Address = options.NodeName, Type = "Hostname" }],
                NodeInfo = new V1NodeSystemInfo
                {
                    Architecture = "amd64",
                    OperatingSystem = "linux",
                    BootID = "process-kubelet",
                    MachineID = "process-kubelet",
                    SystemUUID = "process-kubelet",
                    KernelVersion = Environment.OSVersion.VersionString,
                    OsImage = "single-active e2e process kubelet",
                    ContainerRuntimeVersion = "process://1.0",
                    KubeletVersion = "v1.20.2",
                    KubeProxyVersion = "v1.20.2",
                },
            },
        };
        await client.CoreV1.PatchNodeStatusAsync(new V1Patch(status, V1Patch.PatchType.MergePatch), options.NodeName, cancellationToken: cancellationToken);
        await RenewNodeLeaseAsync(now, cancellationToken);
    }

    private async Task RenewNodeLeaseAsync(DateTime now, CancellationToken cancellationToken)
    {
        var spec = new V1LeaseSpec { HolderIdentity = options.NodeName, LeaseDurationSeconds = 40, RenewTime = now };
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.NodeName, "kube-node-lease", cancellationToken: cancellationToken);
            lease.Spec = spec;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.NodeName, "kube-node-lease", cancellationToken: cancellationToken);
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = options.NodeName, NamespaceProperty = "kube-node-lease" }, Spec = spec };
            await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "kube-node-lease", cancellationToken: cancellationToken);
        }
    }
}
