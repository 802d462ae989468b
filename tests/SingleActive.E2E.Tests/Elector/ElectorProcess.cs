using System.Net;
using System.Text.RegularExpressions;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using SingleActive.Tests.Shared;

namespace SingleActive.E2E.Tests.Elector;

/// <summary>
/// The published NativeAOT elector as its own process, configured only through its environment
/// (as the webhook renders it), talking to the API server through its own <see cref="TcpRelay"/>.
/// </summary>
public sealed partial class ElectorProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(1) };

    private ElectorProcess(string identity, LocalProcess process, TcpRelay proxy, int port)
    {
        Identity = identity;
        Process = process;
        Proxy = proxy;
        Port = port;
    }

    public string Identity { get; }

    public LocalProcess Process { get; }

    public TcpRelay Proxy { get; }

    public int Port { get; }

    public static async Task<ElectorProcess> StartAsync(
        ControlPlaneFixture cluster,
        string @namespace,
        string lease,
        string identity,
        ElectionTimings timings,
        string? podUid = null,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var apiPort = new Uri(cluster.ApiServerUrl).Port;
        var proxy = TcpRelay.OnLoopback(apiPort);

        // The admin kubeconfig, pointed at this elector's own relay (RBAC realism is the kubelet scenarios' job).
        var dir = Path.Combine(cluster.Directory, "electors", @namespace);
        Directory.CreateDirectory(dir);
        var kubeconfig = Path.Combine(dir, identity + ".kubeconfig");
        var text = await File.ReadAllTextAsync(cluster.KubeconfigPath);
        await File.WriteAllTextAsync(kubeconfig, ServerLine().Replace(text, $"server: https://127.0.0.1:{proxy.Port}"));

        var port = LoopbackPorts.Reserve();
        var environment = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = kubeconfig,
            [ElectorEnv.PodName] = identity,
            [ElectorEnv.PodNamespace] = @namespace,
            [ElectorEnv.LeaseName] = lease,
            [ElectorEnv.LeaseDuration] = Duration.Format(timings.LeaseDuration),
            [ElectorEnv.RenewDeadline] = Duration.Format(timings.RenewDeadline),
            [ElectorEnv.RetryPeriod] = Duration.Format(timings.RetryPeriod),
            [ElectorEnv.Port] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ElectorEnv.Bind] = "127.0.0.1",
        };
        if (podUid is not null)
        {
            environment[ElectorEnv.PodUid] = podUid;
        }

        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = LocalProcess.Start(
            "elector-" + identity,
            RepositoryPaths.PublishedBinary(RepositoryPaths.ElectorBinary),
            [],
            environment,
            Path.Combine(dir, identity + ".log"),
            cluster.Processes);
        return new ElectorProcess(identity, process, proxy, port);
    }

    /// <summary>200 from /readyz; a refused or slow answer counts as not ready, as for the kubelet.</summary>
    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{Port}{ElectorHttp.ReadyPath}"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public async Task<string> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{Port}{path}"));
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await Proxy.DisposeAsync();
    }

    [GeneratedRegex(@"server: https://127\.0\.0\.1:\d+")]
    private static partial Regex ServerLine();
}
