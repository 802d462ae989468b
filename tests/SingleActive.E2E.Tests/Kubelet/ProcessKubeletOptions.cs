namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>What one process kubelet (one node) needs to know.</summary>
/// <param name="NodeName">The Node it registers.</param>
/// <param name="NodeAddress">The node's InternalIP (and its pods' <c>status.hostIP</c>).</param>
/// <param name="WorkDirectory">Pod directories (volumes, container logs) go below it.</param>
public sealed record ProcessKubeletOptions(string NodeName, string NodeAddress, string WorkDirectory)
{
    /// <summary>Delay before restarting a container process that exited on its own (a kubelet backs off from 10 s; tests want less).</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);
}
