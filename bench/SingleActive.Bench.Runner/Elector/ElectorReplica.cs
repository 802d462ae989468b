using System.Globalization;
using System.Net;
using SingleActive.Bench.Runner.Processes;
using SingleActive.Contract;
using SingleActive.Tests.Shared;

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

    private readonly ElectorImplementation implementation;
    private readonly string namespaceName;
    private readonly string leaseName;
    private readonly string kubeconfig;
    private readonly string logFile;
    private ChildProcess? process;

    public ElectorReplica(ElectorImplementation implementation, int index, string @namespace, string leaseName, string workDirectory, string kubeconfigTemplate, IPEndPoint apiServer)
    {
        this.implementation = implementation;
        namespaceName = @namespace;
        this.leaseName = leaseName;
        Name = $"{implementation.Name}-{index}";
        Proxy = new ApiServerProxy(apiServer);
        Port = LoopbackPorts.Reserve();
        logFile = Path.Combine(workDirectory, Name + ".log");
        kubeconfig = Path.Combine(workDirectory, Name + ".kubeconfig");
        File.WriteAllText(kubeconfig, kubeconfigTemplate.Replace(
            $"https://127.0.0.1:{apiServer.Port}", $"https://127.0.0.1:{Proxy.Port}", StringComparison.Ordinal));
    }

    public string Name { get; }

    public int Port { get; }

    public ApiServerProxy Proxy { get; }

    public int? Pid => process is { HasExited: false } p ? p.Pid : null;

    public void Start()
    {
        var env = new Dictionary<string, string>
        {
            [ElectorEnv.PodName] = Name,
            [ElectorEnv.PodNamespace] = namespaceName,
            [ElectorEnv.LeaseName] = leaseName,
            [ElectorEnv.Port] = Port.ToString(CultureInfo.InvariantCulture),
            [ElectorEnv.Bind] = "127.0.0.1",
            ["KUBECONFIG"] = kubeconfig,
            ["DOTNET_gcServer"] = "0",
        };
        process = ChildProcess.Start(implementation.Binary, [], env, logFile);
    }

    public void Signal(int signal) => process?.Signal(signal);

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            process = null;
        }
    }

    /// <summary>Waits for the process to exit after a signal (reaps it) and forgets it.</summary>
    public async Task ReapAsync()
    {
        if (process is not null)
        {
            await process.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
            process = null;
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
}
