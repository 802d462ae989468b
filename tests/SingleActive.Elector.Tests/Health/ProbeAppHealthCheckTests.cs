using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SingleActive.Contract;
using SingleActive.Elector.Health;

namespace SingleActive.Elector.Tests.Health;

/// <summary>The app's readinessProbe, run as the kubelet runs it (pkg/probe/http, pkg/probe/tcp).</summary>
public sealed class ProbeAppHealthCheckTests
{
    /// <summary>Stands for the pod IP: a loopback address other than 127.0.0.1, so "listens only on the pod IP" is real.</summary>
    private static readonly IPAddress PodIp = IPAddress.Parse("127.0.0.2");

    /// <summary>timeoutSeconds 5, not the kubelet's default 1: a cold TLS handshake on a busy 2-core machine may take a second (the timeout has its own test).</summary>
    private static AppProbeSpec Http(string scheme, int port, params (string Name, string Value)[] headers) =>
        new(false, scheme, "", port, "/api.php?check=1", [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))], 5, 10, 3);

    [Fact]
    public async Task CheckAsync_HttpsSelfSignedHostHeaderPodIpOnly_HealthyAndSentAsTheKubeletWould()
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: true, status: 200);
        using var check = new ProbeAppHealthCheck(Http("https", app.Port, ("Host", "wiki.shop.internal"), ("X-Probe", "1")), PodIp.ToString());

        Assert.True(await check.CheckAsync(TimeSpan.FromSeconds(5), CancellationToken.None));

        var request = await app.Requests.Reader.ReadAsync();
        Assert.StartsWith("GET /api.php?check=1 HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("Host: wiki.shop.internal\r\n", request, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-Probe: 1\r\n", request, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("User-Agent: kube-probe/", request, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckAsync_AppListensOnlyOnThePodIp_LoopbackWouldNotReachIt()
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: false, status: 200);
        using var onPodIp = new ProbeAppHealthCheck(Http("http", app.Port), PodIp.ToString());
        using var onLoopback = new ProbeAppHealthCheck(Http("http", app.Port), podIp: null);

        Assert.True(await onPodIp.CheckAsync(TimeSpan.Zero, CancellationToken.None));
        var failure = await Assert.ThrowsAsync<AppProbeFailedException>(() => onLoopback.CheckAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.Contains("127.0.0.1", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(302, true)]
    [InlineData(399, true)]
    [InlineData(503, false)]
    [InlineData(404, false)]
    public async Task CheckAsync_Status_HealthyFrom200To399(int status, bool healthy)
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: false, status);
        using var check = new ProbeAppHealthCheck(Http("http", app.Port), PodIp.ToString());

        if (healthy)
        {
            Assert.True(await check.CheckAsync(TimeSpan.Zero, CancellationToken.None));
        }
        else
        {
            var failure = await Assert.ThrowsAsync<AppProbeFailedException>(() => check.CheckAsync(TimeSpan.Zero, CancellationToken.None));
            Assert.Contains($"answered HTTP {status}", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckAsync_RedirectOnTheProbedHost_FollowedAndItsAnswerCounts()
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: false, path => path.StartsWith("/api.php", StringComparison.Ordinal) ? (302, "/down") : (503, null));
        using var check = new ProbeAppHealthCheck(Http("http", app.Port, ("Host", "wiki.shop.internal")), PodIp.ToString());

        var failure = await Assert.ThrowsAsync<AppProbeFailedException>(() => check.CheckAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.Equal($"GET http://127.0.0.2:{app.Port}/api.php?check=1 was redirected to http://127.0.0.2:{app.Port}/down, which answered HTTP 503", failure.Message);
        Assert.StartsWith("GET /api.php?check=1 ", await app.Requests.Reader.ReadAsync(), StringComparison.Ordinal);
        var followed = await app.Requests.Reader.ReadAsync();
        Assert.StartsWith("GET /down ", followed, StringComparison.Ordinal);
        Assert.Contains("Host: wiki.shop.internal\r\n", followed, StringComparison.OrdinalIgnoreCase); // A relative Location keeps it.
    }

    [Fact]
    public async Task CheckAsync_AbsoluteRedirectOnTheProbedHost_FollowedWithoutTheProbesHostHeader()
    {
        StubApp? self = null;
        await using var app = await StubApp.StartAsync(PodIp, tls: false, path => path == "/ok" ? (200, null) : (308, $"http://127.0.0.2:{self!.Port}/ok"));
        self = app;
        using var check = new ProbeAppHealthCheck(Http("http", app.Port, ("Host", "wiki.shop.internal")), PodIp.ToString());

        Assert.True(await check.CheckAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.Contains("Host: wiki.shop.internal\r\n", await app.Requests.Reader.ReadAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Host: 127.0.0.2:{app.Port}\r\n", await app.Requests.Reader.ReadAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ftp://127.0.0.2/ready")]
    [InlineData("http://[bad")]
    public async Task CheckAsync_RedirectToNoHttpUrl_Fails(string location)
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: false, _ => (302, location));
        using var check = new ProbeAppHealthCheck(Http("http", app.Port), PodIp.ToString());

        var failure = await Assert.ThrowsAsync<AppProbeFailedException>(() => check.CheckAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.Equal($"GET http://127.0.0.2:{app.Port}/api.php?check=1 answered HTTP 302 with Location \"{location}\", which is not an http or https URL", failure.Message);
    }

    [Fact]
    public async Task CheckAsync_ContentHeader_SentOnTheGetAsTheKubeletDoes()
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: false, status: 200);
        using var check = new ProbeAppHealthCheck(Http("http", app.Port, ("Content-Type", "application/json")), PodIp.ToString());

        Assert.True(await check.CheckAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.Contains("Content-Type: application/json\r\n", await app.Requests.Reader.ReadAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckAsync_RedirectToAnotherHost_NotFollowedAndHealthy()
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: false, _ => (301, "http://login.invalid/ready"));
        using var check = new ProbeAppHealthCheck(Http("http", app.Port), PodIp.ToString());

        Assert.True(await check.CheckAsync(TimeSpan.Zero, CancellationToken.None));
        await app.Requests.Reader.ReadAsync();
        Assert.False(app.Requests.Reader.TryRead(out _));
    }

    [Fact]
    public async Task CheckAsync_EndlessRedirects_FailsAfterTenRequests()
    {
        var count = 0;
        await using var app = await StubApp.StartAsync(PodIp, tls: false, _ => (307, $"/loop{Interlocked.Increment(ref count)}"));
        using var check = new ProbeAppHealthCheck(Http("http", app.Port), PodIp.ToString());

        var failure = await Assert.ThrowsAsync<AppProbeFailedException>(() => check.CheckAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.StartsWith($"GET http://127.0.0.2:{app.Port}/api.php?check=1: stopped after 10 redirects", failure.Message, StringComparison.Ordinal);
        Assert.Equal(10, Volatile.Read(ref count));
    }

    [Fact]
    public async Task CheckAsync_RepeatedAndDefaultHeaders_SentAsTheKubeletSendsThem()
    {
        await using var app = await StubApp.StartAsync(PodIp, tls: false, status: 200);
        using var check = new ProbeAppHealthCheck(Http("http", app.Port, ("X-Role", "a"), ("X-Role", "b"), ("Accept", ""), ("User-Agent", "mine")), PodIp.ToString());

        Assert.True(await check.CheckAsync(TimeSpan.Zero, CancellationToken.None));

        var lines = (await app.Requests.Reader.ReadAsync()).Split("\r\n");
        var roles = lines.Where(l => l.StartsWith("X-Role:", StringComparison.OrdinalIgnoreCase)).SelectMany(l => l["X-Role:".Length..].Split(',', StringSplitOptions.TrimEntries));
        Assert.Equal(["a", "b"], roles);
        Assert.DoesNotContain(lines, l => l.StartsWith("Accept:", StringComparison.OrdinalIgnoreCase)); // An empty Accept sends none.
        Assert.Contains("User-Agent: mine", lines, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckAsync_AppNeverAnswers_FailsAfterTheProbesTimeout()
    {
        using var silent = new TcpListener(PodIp, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var check = new ProbeAppHealthCheck(Http("http", port) with { TimeoutSeconds = 1 }, PodIp.ToString());
        var started = System.Diagnostics.Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<AppProbeFailedException>(() => check.CheckAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Contains("did not answer within 1 s (the probe's timeoutSeconds)", failure.Message, StringComparison.Ordinal);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CheckAsync_TcpSocket_ConnectsOrSaysRefused()
    {
        using var listener = new TcpListener(PodIp, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var open = new ProbeAppHealthCheck(new AppProbeSpec(true, "http", "", port, "/", [], 1, 10, 3), PodIp.ToString());
        Assert.True(await open.CheckAsync(TimeSpan.Zero, CancellationToken.None));

        listener.Stop();
        using var closed = new ProbeAppHealthCheck(new AppProbeSpec(true, "http", "", port, "/", [], 1, 10, 3), PodIp.ToString());
        var failure = await Assert.ThrowsAsync<AppProbeFailedException>(() => closed.CheckAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.StartsWith($"tcp://127.0.0.2:{port}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppProbeSpec_Json_RoundTrips()
    {
        var spec = new AppProbeSpec(false, "https", "", 8443, "/ready", [new("Host", "a.b")], 2, 5, 4);

        var parsed = AppProbeSpec.Parse(spec.ToJson(), out var problem);

        Assert.Null(problem);
        Assert.Equal(spec.ToJson(), parsed!.ToJson());
        Assert.Equal(("https", 8443, 2, 5, 4), (parsed.Scheme, parsed.Port, parsed.TimeoutSeconds, parsed.PeriodSeconds, parsed.FailureThreshold));
    }

    [Theory]
    [InlineData("{\"type\":\"exec\",\"port\":1}", "type 'exec'")]
    [InlineData("{\"type\":\"http\",\"port\":0}", "port 0 is not a TCP port")]
    [InlineData("{\"type\":\"http\"}", "")]
    [InlineData("not json", "")]
    public void AppProbeSpec_Invalid_Refused(string json, string fragment)
    {
        Assert.Null(AppProbeSpec.Parse(json, out var problem));
        Assert.Contains(fragment, problem, StringComparison.Ordinal);
    }

    /// <summary>A one-request-per-connection HTTP(S) app on one address, recording each request head.</summary>
    private sealed class StubApp : IAsyncDisposable
    {
        private readonly TcpListener listener;
        private readonly X509Certificate2? certificate;
        private readonly Func<string, (int Status, string? Location)> answer;
        private readonly CancellationTokenSource stop = new();
        private Task? loop;

        private StubApp(IPAddress address, bool tls, Func<string, (int Status, string? Location)> answer)
        {
            this.listener = new TcpListener(address, 0);
            this.answer = answer;
            if (tls)
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest("CN=app.invalid", key, HashAlgorithmName.SHA256);
                certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            }
        }

        public System.Threading.Channels.Channel<string> Requests { get; } = System.Threading.Channels.Channel.CreateUnbounded<string>();

        public int Port => ((IPEndPoint)this.listener.LocalEndpoint).Port;

        public static Task<StubApp> StartAsync(IPAddress address, bool tls, int status) => StartAsync(address, tls, _ => (status, null));

        /// <summary>An app that answers each request by its path (and query): a status, and a Location for a redirect.</summary>
        public static Task<StubApp> StartAsync(IPAddress address, bool tls, Func<string, (int Status, string? Location)> answer)
        {
            var app = new StubApp(address, tls, answer);
            app.listener.Start();
            app.loop = app.ServeAsync();
            return Task.FromResult(app);
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            this.listener.Stop();
            try
            {
                await loop!;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            certificate?.Dispose();
            stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await this.listener.AcceptTcpClientAsync(stop.Token);
                Stream stream = client.GetStream();
                if (certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(certificate);
                    stream = tls;
                }

                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                await Requests.Writer.WriteAsync(head.ToString());
                var (status, location) = this.answer(head.ToString().Split(' ', 3) is [_, var path, _] ? path : "");
                var redirect = location is null ? "" : $"Location: {location}\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\n{redirect}Content-Length: 0\r\nConnection: close\r\n\r\n"), stop.Token);
                await stream.DisposeAsync();
            }
        }
    }
}
