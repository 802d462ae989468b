using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SingleActive.Bench.Runner.Processes;
using SingleActive.Contract;

namespace SingleActive.Bench.Runner.Elector;

/// <summary>
/// One elector process as a pod would run it: the env contract, its own loopback HTTP port and its
/// own path to the API server (an <see cref="ApiServerProxy"/>), so it can be cut off alone.
/// </summary>
public sealed class ElectorReplica : IAsyncDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromMilliseconds(500),
    };

    private readonly ElectorImplementation _implementation;
    private readonly string _namespace;
    private readonly string _leaseName;
    private readonly string _kubeconfig;
    private readonly string _logFile;
    private ChildProcess? _process;

    public ElectorReplica(ElectorImplementation implementation, int index, string @namespace, string leaseName, string workDirectory, string kubeconfigTemplate, IPEndPoint apiServer)
    {
        _implementation = implementation;
        _namespace = @namespace;
        _leaseName = leaseName;
        Name = $"{implementation.Name}-{index}";
        Proxy = new ApiServerProxy(apiServer);
        Port = FreePort();
        _logFile = Path.Combine(workDirectory, Name + ".log");
        _kubeconfig = Path.Combine(workDirectory, Name + ".kubeconfig");
        File.WriteAllText(_kubeconfig, kubeconfigTemplate.Replace(
            $"https://127.0.0.1:{apiServer.Port}", $"https://127.0.0.1:{Proxy.Port}", StringComparison.Ordinal));
    }

    public string Name { get; }

    public int Port { get; }

    public ApiServerProxy Proxy { get; }

    public int? Pid => _process is { HasExited: false } p ? p.Pid : null;

    public void Start()
    {
        var env = new Dictionary<string, string>
        {
            [ElectorEnv.PodName] = Name,
            [ElectorEnv.PodNamespace] = _namespace,
            [ElectorEnv.LeaseName] = _leaseName,
            [ElectorEnv.Port] = Port.ToString(CultureInfo.InvariantCulture),
            [ElectorEnv.Bind] = "127.0.0.1",
            ["KUBECONFIG"] = _kubeconfig,
            ["DOTNET_gcServer"] = "0",
        };
        _process = ChildProcess.Start(_implementation.Binary, [], env, _logFile);
    }

    public void Signal(int signal) => _process?.Signal(signal);

    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
    }

    /// <summary>Waits for the process to exit after a signal (reaps it) and forgets it.</summary>
    public async Task ReapAsync()
    {
        if (_process is not null)
        {
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
    }

    public Task<bool> IsReadyAsync() => GetOkAsync(ElectorHttp.ReadyPath);

    public Task<bool> IsHealthyAsync() => GetOkAsync(ElectorHttp.HealthPath);

    public ProcSample? Sample() => Pid is { } pid ? ProcSample.Read(pid) : null;

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await Proxy.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<bool> GetOkAsync(string path)
    {
        if (Pid is null)
        {
            return false;
        }

        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{Port}{path}")).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
