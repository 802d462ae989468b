using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SingleActive.E2E.Tests.Kubelet.Network;

/// <summary>
/// The cluster's pod network, built from network namespaces this run creates and deletes: a "host"
/// namespace with a bridge (the nodes' side of the pod network: kubelet probes and the harness's own
/// requests to pods start there), and one namespace per pod (<see cref="PodSandbox"/>) joined to the
/// bridge by a veth pair. Pod addresses come from a ULA prefix (and 10.244.0.0/16 in a dual-stack run)
/// and exist only inside these namespaces; nothing here touches the machine's own network namespace.
/// Namespaces are named <c>sa&lt;pid&gt;-…</c>; those of runs whose process is gone are deleted at start.
/// </summary>
public sealed class PodNetwork : IAsyncDisposable
{
    /// <summary>The pods' IPv6 subnet (a ULA prefix, RFC 4193) and its gateway on the bridge.</summary>
    public const string Ipv6Prefix = "fd5a:5a:0:1::";

    private const string Ipv4Prefix = "10.244.";
    private readonly string prefix;
    private readonly Lock gate = new();
    private int next = 1;

    private PodNetwork(NetworkNamespace host, PodIpFamilies families, string prefix)
    {
        Host = host;
        Families = families;
        this.prefix = prefix;
        Http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            UseProxy = false,
            AllowAutoRedirect = false, // Never to an address the run did not create; the prober follows the kubelet's rules itself.
            ConnectCallback = async (context, cancellationToken) => new NetworkStream(await ConnectAsync(context.DnsEndPoint, cancellationToken), ownsSocket: true),
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public NetworkNamespace Host { get; }

    public PodIpFamilies Families { get; }

    /// <summary>The bridge's addresses: where traffic from the nodes to pods comes from (a node's InternalIP).</summary>
    public IReadOnlyList<IPAddress> GatewayAddresses => Families == PodIpFamilies.DualStack
        ? [IPAddress.Parse(Ipv4Prefix + "0.1"), IPAddress.Parse(Ipv6Prefix + "1")]
        : [IPAddress.Parse(Ipv6Prefix + "1")];

    /// <summary>
    /// An HttpClient whose connections start in the host namespace, as a kubelet's probes do: it reaches
    /// every pod by its pod IP, certificates unverified (as the kubelet's HTTPS probes), one connection per request,
    /// redirects not followed.
    /// </summary>
    public HttpClient Http { get; }

    public static async Task<PodNetwork> CreateAsync(PodIpFamilies families, Action<string> log)
    {
        var prefix = $"sa{Environment.ProcessId}";
        await DeleteLeftoversAsync(log);
        var host = await NetworkNamespace.CreateAsync(prefix + "-host");
        var commands = new List<string>
        {
            "link set lo up",
            "link add br0 type bridge",
            "link set br0 up",
            $"addr add {Ipv6Prefix}1/64 dev br0 nodad",
        };
        if (families == PodIpFamilies.DualStack)
        {
            commands.Add($"addr add {Ipv4Prefix}0.1/16 dev br0");
        }

        await host.BatchAsync([.. commands]);
        log($"pod network: namespace {host.Name}, pods in {Ipv6Prefix}/64{(families == PodIpFamilies.DualStack ? $" and {Ipv4Prefix}0.0/16 (IPv4 primary)" : " (IPv6 only)")}");
        return new PodNetwork(host, families, prefix);
    }

    /// <summary>A TCP connection from the host namespace (a node) to an address on the pod network.</summary>
    public async Task<Socket> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(endPoint.Host.Trim('[', ']'));
        var socket = Host.CreateSocket(address.AddressFamily);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A new pod's sandbox: its namespace with loopback and <c>eth0</c> up, its addresses (primary first),
    /// a default route per family through the bridge, and <paramref name="serviceAddresses"/> on its loopback
    /// (where the harness's stand-in for kube-proxy answers a Service's cluster IP inside the pod).
    /// </summary>
    public async Task<PodSandbox> CreateSandboxAsync(IReadOnlyList<IPAddress> serviceAddresses)
    {
        int index;
        lock (gate)
        {
            index = next++;
        }

        var ipv6 = IPAddress.Parse($"{Ipv6Prefix}{(index + 1).ToString("x", CultureInfo.InvariantCulture)}");
        var ipv4 = IPAddress.Parse($"{Ipv4Prefix}{(index + 1) >> 8}.{(index + 1) & 0xFF}");
        IReadOnlyList<IPAddress> addresses = Families == PodIpFamilies.DualStack ? [ipv4, ipv6] : [ipv6];
        var pod = await NetworkNamespace.CreateAsync($"{this.prefix}-p{index}");
        try
        {
            var hostSide = $"v{index}";
            await Host.BatchAsync($"link add {hostSide} type veth peer name eth0 netns {pod.Name}", $"link set {hostSide} master br0 up");
            var commands = new List<string> { "link set lo up", "link set eth0 up", $"addr add {ipv6}/64 dev eth0 nodad", $"route add default via {Ipv6Prefix}1" };
            if (Families == PodIpFamilies.DualStack)
            {
                commands.Add($"addr add {ipv4}/16 dev eth0");
                commands.Add($"route add default via {Ipv4Prefix}0.1");
            }

            foreach (var service in serviceAddresses)
            {
                commands.Add($"addr add {service}/{(service.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32)} dev lo{(service.AddressFamily == AddressFamily.InterNetworkV6 ? " nodad" : "")}");
            }

            await pod.BatchAsync([.. commands]);
            return new PodSandbox(pod, addresses);
        }
        catch
        {
            await pod.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var name in NetworkNamespace.List().Where(n => n.StartsWith(this.prefix + "-", StringComparison.Ordinal)))
        {
            await NetworkNamespace.DeleteAsync(name);
        }
    }

    /// <summary>Namespaces of earlier runs whose process is gone (killed before it could clean up).</summary>
    private static async Task DeleteLeftoversAsync(Action<string> log)
    {
        foreach (var name in NetworkNamespace.List())
        {
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (name.StartsWith("sa", StringComparison.Ordinal) && dash > 2
                && int.TryParse(name.AsSpan(2, dash - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                log($"pod network: deleting namespace {name} of an earlier run (pid {pid} is gone)");
                await NetworkNamespace.DeleteAsync(name);
            }
        }
    }
}
