using SingleActive.Webhook.KubernetesApi;


namespace SingleActive.Webhook.Tests.Injection;

/// <summary>Fixed versions; the oldest kubelet defaults to the server's (a cluster whose nodes are upgraded too).</summary>
public sealed class FixedClusterVersion(Version? version, Version? oldestKubelet = null) : IClusterVersion
{
    public Version? ServerVersion { get; } = version;

    public Version? OldestKubeletVersion { get; } = oldestKubelet ?? version;
}
