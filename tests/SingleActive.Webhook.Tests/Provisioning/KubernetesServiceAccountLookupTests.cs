using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Kube.ApiConnection;

namespace SingleActive.Webhook.Tests.Provisioners;

/// <summary>
/// The dry-run existence check where no API server answers: each is "cannot tell" (null), never an exception.
/// Exists/missing/forbidden run against a real kube-apiserver in <see cref="ProvisionerControlPlaneTests"/>.
/// </summary>
public sealed class KubernetesServiceAccountLookupTests
{
    [Fact]
    public async Task ExistsAsync_NoClusterConnection_CannotTell()
    {
        Assert.Null(await Create(ClusterConnection.None).ExistsAsync("team-a", "single-active-elector", CancellationToken.None));
    }

    [Fact]
    public async Task ExistsAsync_ApiRefusesConnections_CannotTell()
    {
        using var connection = UnreachableApi.Refusing();

        Assert.Null(await Create(connection).ExistsAsync("team-a", "single-active-elector", CancellationToken.None));
    }

    [Fact]
    public async Task ExistsAsync_ApiNeverAnswers_CannotTellWithinTheTimeout()
    {
        using var silent = UnreachableApi.StartSilent();

        var answer = await Create(silent.Connection, TimeSpan.FromMilliseconds(300)).ExistsAsync("team-a", "single-active-elector", CancellationToken.None);

        Assert.Null(answer);
    }

    private static KubernetesServiceAccountLookup Create(ClusterConnection connection, TimeSpan? timeout = null) => new(
        connection,
        Options.Create(new ProvisioningOptions { Timeout = timeout ?? TimeSpan.FromSeconds(5) }),
        TimeProvider.System,
        NullLogger<KubernetesServiceAccountLookup>.Instance);
}
