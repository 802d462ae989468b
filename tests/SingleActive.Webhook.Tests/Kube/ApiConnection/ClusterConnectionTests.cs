using SingleActive.Kube.ApiConnection;

namespace SingleActive.Webhook.Tests.Kube.ApiConnection;

public sealed class ClusterConnectionTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "sa-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    public ClusterConnectionTests() => Directory.CreateDirectory(directory);

    [Fact]
    public void Create_NothingConfigured_HasNoClientAndSaysWhatToSet()
    {
        using var connection = ClusterConnection.Create(null, _ => null);

        Assert.Null(connection.Client);
        Assert.Equal("no Kubernetes API configured (set KUBECONFIG or run in a cluster)", connection.Description);
    }

    [Fact]
    public void Create_KubeconfigEnvironment_UsesItsServer()
    {
        var path = WriteKubeconfig("https://127.0.0.1:6443");

        using var connection = ClusterConnection.Create(null, name => name == "KUBECONFIG" ? path : null);

        Assert.NotNull(connection.Client);
        Assert.Contains("127.0.0.1:6443", connection.Client.BaseUri.ToString());
        Assert.Contains(path, connection.Description);
    }

    [Fact]
    public void Create_FlagOverridesEnvironment()
    {
        var flag = WriteKubeconfig("https://127.0.0.1:7443");

        using var connection = ClusterConnection.Create(flag, name => name == "KUBECONFIG" ? "/nonexistent" : null);

        Assert.Contains("127.0.0.1:7443", connection.Client!.BaseUri.ToString());
    }

    [Fact]
    public void Create_KubeconfigMissing_FailsNamingTheFile()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ClusterConnection.Create("/nonexistent/kubeconfig", _ => null));

        Assert.Contains("/nonexistent/kubeconfig", e.Message);
    }

    [Fact]
    public void Create_InClusterWithoutToken_FailsSayingWhy()
    {
        // Outside a pod the service-account files are missing: the message must say so rather than run without the API.
        if (File.Exists("/var/run/secrets/kubernetes.io/serviceaccount/token"))
        {
            return;
        }

        var e = Assert.Throws<InvalidOperationException>(() => ClusterConnection.Create(null, name => name switch
        {
            "KUBERNETES_SERVICE_HOST" => "10.0.0.1",
            "KUBERNETES_SERVICE_PORT" => "443",
            _ => null,
        }));

        Assert.Contains("KUBERNETES_SERVICE_HOST is set but the in-cluster configuration cannot be read", e.Message);
    }

    public void Dispose() => Directory.Delete(directory, true);

    private string WriteKubeconfig(string server) =>
        TestKubeconfig.Write(Path.Combine(directory, Guid.NewGuid().ToString("N")[..6] + ".yaml"), server, "insecure-skip-tls-verify: true");
}
