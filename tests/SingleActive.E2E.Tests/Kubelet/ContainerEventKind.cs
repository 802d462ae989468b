namespace SingleActive.E2E.Tests.Kubelet;

public enum ContainerEventKind
{
    /// <summary>Started (a process spawned, or a simulated container marked running).</summary>
    Started,

    /// <summary>The kubelet began stopping it (SIGTERM for a process).</summary>
    Stopping,

    /// <summary>It ended, with <see cref="ContainerEvent.ExitCode"/>.</summary>
    Exited,
}
