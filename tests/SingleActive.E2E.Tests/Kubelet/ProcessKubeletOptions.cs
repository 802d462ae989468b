namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>What the process kubelet needs to know about its control plane.</summary>
/// <param name="ApiServerUrl">Written into each pod's kubeconfig.</param>
/// <param name="ApiServerCaFile">The API server's serving CA (PEM).</param>
/// <param name="WorkDirectory">Per-pod kubeconfigs and container logs go below it.</param>
public sealed record ProcessKubeletOptions(string ApiServerUrl, string ApiServerCaFile, string WorkDirectory)
{
    public string NodeName { get; init; } = "process-kubelet";

    /// <summary>Pod IPs are handed out from here: data for the endpoints controller, never connected to.</summary>
    public string PodCidr { get; init; } = "10.244.0.0/16";

    /// <summary>Delay before restarting a container process that exited on its own (a kubelet backs off from 10 s; tests want less).</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);
}
