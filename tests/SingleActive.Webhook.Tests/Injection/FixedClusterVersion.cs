using SingleActive.Webhook.Cluster;

namespace SingleActive.Webhook.Tests.Injection;

public sealed class FixedClusterVersion(Version? version) : IClusterVersion
{
    public Version? ServerVersion { get; } = version;
}
