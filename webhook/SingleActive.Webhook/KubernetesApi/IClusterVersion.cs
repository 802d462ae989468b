namespace SingleActive.Webhook.KubernetesApi;

/// <summary>
/// The versions that decide the elector's sidecar form: native sidecars need the API server (which must keep
/// <c>initContainers[].restartPolicy</c>) and the kubelet of the node the pod lands on to be 1.29 or newer.
/// </summary>
public interface IClusterVersion
{
    /// <summary>The API server's version; null when unknown.</summary>
    Version? ServerVersion { get; }

    /// <summary>
    /// The oldest kubelet among the cluster's nodes (<c>status.nodeInfo.kubeletVersion</c>); null when unknown
    /// (no nodes listed yet, listing forbidden or failing). During a control-plane-first upgrade it lags the server.
    /// </summary>
    Version? OldestKubeletVersion { get; }
}
