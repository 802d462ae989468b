namespace SingleActive.Webhook.Cluster;

/// <summary>The API server's version, for choices such as native sidecars (1.29+). Null when unknown.</summary>
public interface IClusterVersion
{
    Version? ServerVersion { get; }
}
