using System.Net;
using System.Net.Sockets;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Cluster;
using SingleActive.Webhook.Provisioning;

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
        using var port = new TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var closedPort = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        using var connection = ClusterConnection.FromClient(Client(closedPort), "test");

        Assert.Null(await Create(connection).ExistsAsync("team-a", "single-active-elector", CancellationToken.None));
    }

    [Fact]
    public async Task ExistsAsync_ApiNeverAnswers_CannotTellWithinTheTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await silent.AcceptSocketAsync());
            }
        });
        using var connection = ClusterConnection.FromClient(Client(((IPEndPoint)silent.LocalEndpoint).Port), "test");

        var answer = await Create(connection, TimeSpan.FromMilliseconds(300)).ExistsAsync("team-a", "single-active-elector", CancellationToken.None);

        Assert.Null(answer);
        silent.Stop();
        accepted.ForEach(s => s.Dispose());
    }

    private static Kubernetes Client(int port) =>
        new(new KubernetesClientConfiguration { Host = $"https://127.0.0.1:{port}", SkipTlsVerify = true, AccessToken = "t" });

    private static KubernetesServiceAccountLookup Create(ClusterConnection connection, TimeSpan? timeout = null) => new(
        connection,
        Options.Create(new ProvisioningOptions { Timeout = timeout ?? TimeSpan.FromSeconds(5) }),
        TimeProvider.System,
        NullLogger<KubernetesServiceAccountLookup>.Instance);
}
