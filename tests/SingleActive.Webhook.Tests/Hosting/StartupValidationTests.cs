using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Hosting;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Hosting;

public sealed class StartupValidationTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "sa-startup-" + Guid.NewGuid().ToString("N")[..8]);

    public StartupValidationTests()
    {
        using var bundle = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(1));
        bundle.WriteTo(directory);
    }

    [Fact]
    public async Task Start_MissingCertificateFile_FailsNamingTheFile()
    {
        var missing = Path.Combine(directory, "missing.crt");

        var message = await StartFailureAsync("--tls-cert-file", missing, "--tls-private-key-file", Path.Combine(directory, "tls.key"));

        Assert.Contains(missing, message);
        Assert.Contains("--tls-cert-file", message);
    }

    [Fact]
    public async Task Start_UnreadableKey_FailsNamingTheFile()
    {
        var key = Path.Combine(directory, "garbage.key");
        File.WriteAllText(key, "not a key");

        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", key);

        Assert.Contains(key, message);
    }

    [Fact]
    public async Task Start_OnlyCertificateFlag_FailsNamingTheMissingFlag()
    {
        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"));

        Assert.Contains("--tls-private-key-file", message);
    }

    [Fact]
    public async Task Start_BadPort_FailsNamingTheFlag()
    {
        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), "--port", "70000");

        Assert.Contains("--port", message);
    }

    [Fact]
    public async Task Start_PortInUse_SaysWhichAddressAndWhatToDo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), "--port", port);

        Assert.StartsWith($"the address is already in use (Failed to bind to address https://127.0.0.1:{port}: address already in use): another server listens on that --port", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BindAddressOfNoInterface_NamesTheFlag()
    {
        // 192.0.2.1 (TEST-NET-1) is on no interface of any host: binding it fails here, and nothing is ever sent to it. A host
        // that allows binding any address (net.ipv4.ip_nonlocal_bind=1) has nothing to refuse: then there is no case to test.
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 0));
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
            {
            }
        }

        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), "--port", "0", "--bind", "192.0.2.1");

        Assert.Equal("--bind (Server:Bind) is not an address of this host: bind one of its addresses, or \"*\" for all", message);
    }

    [Fact]
    public void Describe_ApiCallRefused_IsNoListenerFailure()
    {
        // Self-signed mode reads its Secret at start: an API server that refuses is not a --bind or --port problem.
        var refused = new HttpRequestException("Connection refused (10.96.0.1:443)", new SocketException((int)SocketError.ConnectionRefused));

        Assert.DoesNotContain("--bind", StartupFailure.Describe(refused), StringComparison.Ordinal);
        Assert.DoesNotContain("--bind", StartupFailure.Describe(new HttpRequestException("y", new SocketException((int)SocketError.AddressNotAvailable))), StringComparison.Ordinal);
        Assert.DoesNotContain("--port", StartupFailure.Describe(new HttpRequestException("y", new SocketException((int)SocketError.AddressAlreadyInUse))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("10")]
    [InlineData("010.0.0.1")]
    [InlineData("localhost")]
    public async Task Start_BindNotAnAddress_Refused(string bind)
    {
        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), "--bind", bind);

        Assert.Equal($"--bind (Server:Bind) must be an IP address (IPv4 as four dotted numbers, or IPv6) or \"*\", got \"{bind}\"", message);
    }

    [Theory]
    [InlineData("--Injector:Sidecar=native", "Sidecar")]
    [InlineData("--Provisioning:Timout=3s", "Timout")]
    [InlineData("--Server:ShutdownDelays=5s", "ShutdownDelays")]
    [InlineData("--Tls:ReloadIntervall=00:00:05", "ReloadIntervall")]
    [InlineData("--Cluster:KubeConfig2=/x", "KubeConfig2")]
    public async Task Start_UnknownSettingKey_FailsNamingTheKey(string setting, string key)
    {
        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), setting);

        Assert.Contains($"'{key}'", message);
    }

    [Theory]
    [InlineData("--port", "abc", "--port (Server:Port) is \"abc\": expected a whole number")]
    [InlineData("--max-request-bytes", "3MB", "--max-request-bytes (Server:MaxRequestBodyBytes) is \"3MB\": expected a whole number")]
    public async Task Start_NumberFlagNotANumber_FailsNamingTheFlag(string flag, string value, string expected)
    {
        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), flag, value);

        Assert.Equal(expected, message);
    }

    [Fact]
    public async Task Start_ShutdownTimeoutNoDuration_FailsNamingTheFlag()
    {
        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), "--shutdown-timeout", "25x");

        Assert.StartsWith("--shutdown-timeout (Server:ShutdownTimeout) is \"25x\"", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--SelfSigned:SecretNam=x", "settings of the self-signed mode are given (SelfSigned:SecretNam), but the mode is off: add --self-signed-secret NAME")]
    [InlineData("--webhook-config=single-active-webhook", "(SelfSigned:WebhookConfiguration)")]
    public async Task Start_SelfSignedSettingsWithoutTheMode_FailsNamingThem(string setting, string expected)
    {
        var message = await StartFailureAsync("--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key"), setting);

        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData(new[] { "--port", "1", "--bogus", "x" }, "unknown argument \"--bogus\"")]
    [InlineData(new[] { "--port" }, "flag --port needs a value")]
    [InlineData(new[] { "stray" }, "unknown argument \"stray\"")]
    public void FindProblem_BadArguments_SaysWhich(string[] args, string expected) =>
        Assert.Equal(expected, ServerCommandLine.FindProblem(args));

    [Fact]
    public void FindProblem_KnownFlagsAndSettings_IsNull()
    {
        Assert.Null(ServerCommandLine.FindProblem(["--port", "1", "--bind=127.0.0.1", "--Injector:Image", "x", "--Server:Port=2"]));
        Assert.Null(ServerCommandLine.FindProblem([]));
    }

    public void Dispose() => Directory.Delete(directory, true);

    private async Task<string> StartFailureAsync(params string[] args)
    {
        // Kestrel's options (and with them the certificate) are resolved while the app is built, the
        // rest of the options when it starts: either step must fail with the message.
        var e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = WebhookApp.Build(["--local-tls-dir", Path.Combine(directory, "local"), "--bind", "127.0.0.1", "--Logging:LogLevel:Default=None", .. args]);
            await app.StartAsync();
            await app.StopAsync();
        });
        Assert.True(e is OptionsValidationException or CertificateLoadException or InvalidOperationException or IOException or SocketException, e.ToString());
        return StartupFailure.Describe(e);
    }
}
