using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>The status a kubelet would report for a pod's current container states.</summary>
internal static class PodStatusBuilder
{
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public static V1PodStatus Build(IReadOnlyList<PodContainer> containers, string phase, PodAddresses addresses, DateTime startTime, DateTime readySince, bool terminating)
    {
        var completed = phase is Succeeded or Failed;
        var ready = !terminating && !completed && containers.Where(c => c.RunsAlongside).All(c => c.Ready);
        var reason = completed ? "PodCompleted" : null;
        V1PodCondition Condition(string type, bool value, DateTime since, string? why = null) =>
            new() { Type = type, Status = value ? "True" : "False", LastTransitionTime = since, LastProbeTime = null, Reason = why };
        return new V1PodStatus
        {
            Phase = phase,
            HostIP = addresses.HostIp,
            PodIP = addresses.PodIps[0],
            PodIPs = addresses.PodIps.Select(ip => new V1PodIP { Ip = ip }).ToList(),
            StartTime = startTime,
            QosClass = null,
            Conditions =
            [
                Condition("Initialized", true, startTime, reason),
                Condition("Ready", ready, readySince, reason),
                Condition("ContainersReady", ready, readySince, reason),
                Condition("PodScheduled", true, startTime),
            ],
            InitContainerStatuses = containers.Where(c => c.IsInit).Select(Status).ToList(),
            ContainerStatuses = containers.Where(c => c.IsRegular).Select(Status).ToList(),
        };
    }

    /// <summary>
    /// The kubelet's <c>getPhase</c> (1.29+ for native sidecars, which do not count once stopped): Running
    /// while a regular container or a native sidecar runs; when all have stopped, Succeeded (every regular
    /// container exited 0) or Failed unless the restart policy will start them again. A pod this
    /// double has not started yet is reported Running too (it does not model Pending).
    /// </summary>
    public static string Phase(IReadOnlyList<PodContainer> containers, string? restartPolicy)
    {
        if (containers.Any(c => c.RunsAlongside && c.Running))
        {
            return Running;
        }

        var regular = containers.Where(c => c.IsRegular).ToList();
        if (regular.Any(c => c.LastExitCode is null) || (restartPolicy ?? ContainerRules.RestartAlways) == ContainerRules.RestartAlways)
        {
            return Running;
        }

        if (regular.All(c => c.LastExitCode == 0))
        {
            return Succeeded;
        }

        return restartPolicy == ContainerRules.RestartNever ? Failed : Running;
    }

    private static V1ContainerStatus Status(PodContainer container)
    {
        V1ContainerState state;
        V1ContainerState? lastState = null;
        if (container.IsInit && !container.IsNativeSidecar)
        {
            // A plain init container: done before the others started.
            state = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", StartedAt = container.StartedAt, FinishedAt = container.StartedAt } };
        }
        else if (container.Running)
        {
            state = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = container.StartedAt } };
            if (container.RestartCount > 0 && container.LastExitCode is { } previous)
            {
                lastState = new V1ContainerState { Terminated = Terminated(previous, container.FinishedAt, container.FinishedAt) };
            }
        }
        else if (container.LastExitCode is { } exit)
        {
            state = new V1ContainerState { Terminated = Terminated(exit, container.StartedAt, container.FinishedAt) };
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
            Ready = container.Ready || (container.IsInit && !container.IsNativeSidecar),
            Started = container.Running,
            RestartCount = container.RestartCount,
            State = state,
            LastState = lastState,
        };
    }

    private static V1ContainerStateTerminated Terminated(int exit, DateTime startedAt, DateTime finishedAt) =>
        new() { ExitCode = exit, Reason = exit == 0 ? "Completed" : "Error", StartedAt = startedAt, FinishedAt = finishedAt };
}
