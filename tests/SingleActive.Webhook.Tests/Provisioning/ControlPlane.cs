using System.Diagnostics;
using System.Globalization;
using k8s;

namespace SingleActive.Webhook.Tests.Provisioners;

/// <summary>
/// A real kube-apiserver (with etcd and the controller-manager) for the provisioner tests, started and
/// stopped by the repository's tests/envtest/control-plane.sh — the same script the E2E suite uses.
/// That suite's fixture cannot be shared: it uses the full KubernetesClient, this project the AOT one.
/// </summary>
public sealed class ControlPlane : IAsyncLifetime
{
    private Kubernetes? admin;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sa-provisioning-" + Guid.NewGuid().ToString("N")[..8]);

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public IKubernetes Admin => this.admin ?? throw new InvalidOperationException("the control plane is not running");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            var (exit, output) = await RunScriptAsync("start", TimeSpan.FromMinutes(8));
            if (exit != 0)
            {
                throw new InvalidOperationException($"tests/envtest/control-plane.sh start failed (exit {exit}):\n{output}");
            }

            this.admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for the admin user but authenticating with <paramref name="token"/> instead.</summary>
    public Kubernetes ClientWithToken(string token)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath);
        config.AccessToken = token;
        return new Kubernetes(config);
    }

    public async Task DisposeAsync()
    {
        this.admin?.Dispose();
        await RunScriptAsync("stop", TimeSpan.FromMinutes(1));
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the processes are gone, a leftover temp directory is harmless.
        }
    }

    private async Task<(int Exit, string Output)> RunScriptAsync(string verb, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot(), "tests", "envtest", "control-plane.sh"), verb, Directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SINGLE_ACTIVE_OWNER_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"control-plane.sh {verb} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Webhook.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Webhook.sln) above " + AppContext.BaseDirectory);
    }
}
