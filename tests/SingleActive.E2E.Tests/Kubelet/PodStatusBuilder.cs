using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>The status a kubelet would report for a pod's current container states.</summary>
internal static class PodStatusBuilder
{
    public static V1PodStatus Build(IReadOnlyList<PodContainer> containers, string podIp, DateTime startTime, DateTime readySince, bool terminating)
    {
        var ready = !terminating && containers.Where(c => !c.IsInit || c.IsSidecarInit).All(c => c.Ready);
        V1PodCondition Condition(string type, bool value, DateTime since) =>
            new() { Type = type, Status = value ? "True" : "False", LastTransitionTime = since, LastProbeTime = null };
        return new V1PodStatus
        {
            Phase = "Running",
            HostIP = "127.0.0.1",
            PodIP = podIp,
            PodIPs = [new V1PodIP { Ip = podIp }],
            StartTime = startTime,
            QosClass = null,
            Conditions =
            [
                Condition("Initialized", true, startTime),
                Condition("Ready", ready, readySince),
                Condition("ContainersReady", ready, readySince),
                Condition("PodScheduled", true, startTime),
            ],
            InitContainerStatuses = containers.Where(c => c.IsInit).Select(Status).ToList(),
            ContainerStatuses = containers.Where(c => !c.IsInit).Select(Status).ToList(),
        };
    }

    private static V1ContainerStatus Status(PodContainer container)
    {
        V1ContainerState state;
        if (container.IsInit && !container.IsSidecarInit)
        {
            // A plain init container: done before the others started.
            state = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", StartedAt = container.StartedAt, FinishedAt = container.StartedAt } };
        }
        else if (container.Running)
        {
            state = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = container.StartedAt } };
        }
        else if (container.LastExitCode is { } exit)
        {
            state = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exit, Reason = exit == 0 ? "Completed" : "Error", StartedAt = container.StartedAt, FinishedAt = DateTime.UtcNow } };
        }
        else
        {
            state = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } };
        }

        return new V1ContainerStatus
        {
            Name = container.Spec.Name,
            Image = container.Spec.Image ?? "",
            ImageID = "process-kubelet://" + (container.Spec.Image ?? ""),
            ContainerID = container.Process is { } process ? $"process://{process.Pid}" : $"process://simulated/{container.Spec.Name}",
            Ready = container.Ready || (container.IsInit && !container.IsSidecarInit),
            Started = container.Running,
            RestartCount = container.RestartCount,
            State = state,
        };
    }
}
