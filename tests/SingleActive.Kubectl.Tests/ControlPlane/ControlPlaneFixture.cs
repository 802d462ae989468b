using k8s;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using SingleActive.Kube.ApiConnection;

namespace SingleActive.Kubectl.Tests.ControlPlane;

/// <summary>
/// A real etcd and kube-apiserver v1.20 (with controller-manager and scheduler) on loopback, started by
/// tests/envtest/control-plane.sh as the end-to-end suite starts it, for one test class; stopped by pid at the end.
/// No kubelet: the tests create Nodes, Pods and Leases as objects, which is all the plugin reads.
/// </summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    private ClusterConnection? connection;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "single-active-kubectl-" + Guid.NewGuid().ToString("N")[..8]);

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public IKubernetes Client => connection?.Client ?? throw new InvalidOperationException("the control plane is not running");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            var environment = new Dictionary<string, string>
            {
                [ControlPlaneFiles.ControlPlaneBinVariable] = await ControlPlaneFiles.ResolveBinariesAsync(),
                ["SINGLE_ACTIVE_OWNER_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var (exit, stdout, stderr) = await ExternalCommand.RunAsync(RepositoryPaths.ControlPlaneScript, ["start", Directory], environment, timeout: TimeSpan.FromMinutes(4));
            if (exit != 0)
            {
                throw new InvalidOperationException($"tests/envtest/control-plane.sh start failed (exit {exit}):\n{stderr}\n{stdout}");
            }

            connection = ClusterConnection.Create(KubeconfigPath, _ => null);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>kubectl against this control plane, with <paramref name="standardInput"/> piped in (null: none).</summary>
    public Task<(int ExitCode, string StdOut, string StdErr)> KubectlAsync(string? standardInput, params string[] args) =>
        ExternalCommand.RunAsync("kubectl", args, new Dictionary<string, string> { ["KUBECONFIG"] = KubeconfigPath }, standardInput, TimeSpan.FromMinutes(1));

    public async Task DisposeAsync()
    {
        connection?.Dispose();
        await ExternalCommand.RunAsync(RepositoryPaths.ControlPlaneScript, ["stop", Directory], timeout: TimeSpan.FromMinutes(1));
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }
}
