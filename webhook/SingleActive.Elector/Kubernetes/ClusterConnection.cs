using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using SingleActive.Core.Kubeconfig;
using SingleActive.Core.Trust;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Where the API server is and how to talk to it: base address, an HttpClient that trusts the
/// cluster's CA bundle (and presents a client certificate if the kubeconfig has one), and the
/// bearer token, re-read from its file so rotated service-account tokens are picked up.
/// </summary>
/// <remarks>
/// Written here rather than taken from KubernetesClient.Aot: its configuration code pulls a YAML
/// and JSON model of the whole Kubernetes API into the binary (≈33 MB resident for this sidecar),
/// and it keeps only the first certificate of a kubeconfig's CA bundle.
/// </remarks>
public sealed class ClusterConnection : IDisposable
{
    public const string KubeconfigVariable = KubeconfigFiles.Variable;
    private const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    // TCP keepalive on every API connection: a peer that vanished without a FIN or RST (node
    // gone, black-holed route, NAT entry expired) is noticed after about 15 s + 3 × 5 s of silence
    // instead of never, so a watch or a pooled connection on it fails and is replaced. Idle
    // connections send one probe packet per 15 s; busy ones none.
    internal static readonly TimeSpan KeepAliveIdle = TimeSpan.FromSeconds(15);
    internal static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(5);
    internal const int KeepAliveProbes = 3;

    // The kubelet refreshes projected tokens well before they expire; a minute-old copy is fresh enough (client-go does the same).
    private static readonly TimeSpan TokenFileRefresh = TimeSpan.FromMinutes(1);

    // After a call was abandoned (its deadline or its caller gave up), the idle pooled connections it
    // shared a path with are suspect too: a partition or a proxy that stopped forwarding freezes them
    // all at once, and each would cost the next call its whole deadline. So the pool is replaced: new
    // calls get new connections, and calls still running on the old ones finish (or time out) before
    // the old pool is closed this long later. client-go gets the same from HTTP/2's health check,
    // which closes the one shared connection with every stream on it.
    private static readonly TimeSpan RetiredPoolLifetime = TimeSpan.FromSeconds(30);

    // At most one replacement per this long: calls that hung together need one new pool, not one each.
    private static readonly TimeSpan MinimumPoolAge = TimeSpan.FromSeconds(1);

    private readonly string? staticToken;
    private readonly string? tokenFile;
    private readonly X509Certificate2? clientCertificate;
    private readonly bool skipTlsVerify;
    private readonly Lock gate = new();
    private (string Token, long ReadAt)? cachedFileToken;
    private HttpClient http;
    private long poolCreatedAt;
    private long poolReplacements;

    /// <param name="caFile">The file <paramref name="caBundle"/> was read from, re-read when it changes (<see cref="ApiServerTrust"/>); null for inline data.</param>
    public ClusterConnection(
        Uri server, X509Certificate2Collection? caBundle, bool skipTlsVerify, string? token, string? tokenFile, X509Certificate2? clientCertificate, string? caFile = null)
    {
        BaseUri = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        staticToken = token;
        this.tokenFile = tokenFile;
        this.clientCertificate = clientCertificate;
        this.skipTlsVerify = skipTlsVerify;
        if (!skipTlsVerify && caBundle is { Count: > 0 })
        {
            Trust = new ApiServerTrust(caBundle, caFile, TimeProvider.System);
        }

        http = CreateClient();
        poolCreatedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public Uri BaseUri { get; }

    /// <summary>The client for new calls (its connection pool is replaced by <see cref="DropConnections"/>).</summary>
    public HttpClient Http => Volatile.Read(ref http);

    /// <summary>How often the connection pool was replaced because a call was abandoned (see <see cref="DropConnections"/>).</summary>
    public long PoolReplacements => Interlocked.Read(ref poolReplacements);

    /// <summary>The CA bundle in use and how the API server's certificate fared; null when the system roots (or no check) apply.</summary>
    public ApiServerTrust? Trust { get; }

    /// <summary>A kubeconfig by kubectl's rules (<see cref="KubeconfigFiles"/>: KUBECONFIG's files merged; never ~/.kube/config, a sidecar is a server), otherwise the pod's service account.</summary>
    public static ClusterConnection FromEnvironment(Func<string, string?> env)
    {
        var files = KubeconfigFiles.Resolve(null, env, KubeconfigFiles.HomeConfig.Ignore);
        return files.Count == 0 ? InCluster(env) : KubeconfigReader.Read(files);
    }

    public static ClusterConnection InCluster(Func<string, string?> env)
    {
        var host = env("KUBERNETES_SERVICE_HOST");
        var port = env("KUBERNETES_SERVICE_PORT");
        var tokenPath = Path.Combine(ServiceAccountDirectory, "token");
        var caPath = Path.Combine(ServiceAccountDirectory, "ca.crt");
        if (string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(port) || !File.Exists(tokenPath) || !File.Exists(caPath))
        {
            throw new InvalidOperationException(
                $"not running in a pod with a service-account token: KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT unset or {tokenPath} / {caPath} missing (set {KubeconfigVariable} for local runs)");
        }

        var bundle = CaBundle.FromFile(caPath);
        var server = new UriBuilder("https", host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri;
        return new ClusterConnection(server, bundle, skipTlsVerify: false, token: null, tokenFile: tokenPath, clientCertificate: null, caFile: caPath);
    }

    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = staticToken ?? await ReadTokenFileAsync(cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>
    /// Replaces the connection pool after a call was abandoned on a connection that stopped answering:
    /// later calls open new connections instead of trying the other idle ones, which a partition or a
    /// stuck proxy froze as well. Calls in flight on the old pool keep running until it is closed
    /// <see cref="RetiredPoolLifetime"/> later. At most once per <see cref="MinimumPoolAge"/>.
    /// </summary>
    public void DropConnections()
    {
        HttpClient retired;
        lock (gate)
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(poolCreatedAt) < MinimumPoolAge)
            {
                return;
            }

            retired = http;
            Volatile.Write(ref http, CreateClient());
            poolCreatedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        Interlocked.Increment(ref poolReplacements);
        _ = Task.Delay(RetiredPoolLifetime).ContinueWith(_ => retired.Dispose(), TaskScheduler.Default);
    }

    public void Dispose() => Http.Dispose();

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = static (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, cancellationToken),
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        if (skipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (Trust is { } trust)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.Validate(certificate, errors);
        }

        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>A TCP connection with keepalive on (see <see cref="KeepAliveIdle"/>); TLS, if any, is layered on by the handler.</summary>
    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)KeepAliveIdle.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)KeepAliveInterval.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, KeepAliveProbes);
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The server's chain must end in one of the bundle's certificates; the host name check has
    /// already been done by TLS (a name mismatch is never accepted).
    /// </summary>
    internal static bool Trusted(X509Certificate2Collection bundle, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(bundle);
        chain.ChainPolicy.ExtraStore.AddRange(bundle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private async ValueTask<string?> ReadTokenFileAsync(CancellationToken cancellationToken)
    {
        if (tokenFile is null)
        {
            return null;
        }

        lock (gate)
        {
            if (cachedFileToken is { } cached && System.Diagnostics.Stopwatch.GetElapsedTime(cached.ReadAt) < TokenFileRefresh)
            {
                return cached.Token;
            }
        }

        var token = (await File.ReadAllTextAsync(tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
        lock (gate)
        {
            cachedFileToken = (token, System.Diagnostics.Stopwatch.GetTimestamp());
        }

        return token;
    }
}
