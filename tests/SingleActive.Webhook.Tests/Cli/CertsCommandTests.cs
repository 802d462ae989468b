using System.Net;
using System.Security.Cryptography.X509Certificates;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Tests.Serving;
using SingleActive.Webhook.Tests.Tls;

namespace SingleActive.Webhook.Tests.Cli;

public sealed class CertsCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "sa-certs-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Run_ServiceAndExtras_WritesSecretLayoutWithServiceSans()
    {
        var output = new StringWriter();

        var exit = CertsCommand.Run(["--out", directory, "--service", "single-active-webhook", "--namespace", "single-active-system", "--dns", "extra.example", "--ip", "127.0.0.1", "--days", "30"], output, TextWriter.Null);

        Assert.Equal(0, exit);
        using var served = X509Certificate2.CreateFromPemFile(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"));
        var san = served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(
            ["single-active-webhook", "single-active-webhook.single-active-system", "single-active-webhook.single-active-system.svc",
             "single-active-webhook.single-active-system.svc.cluster.local", "extra.example"],
            san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], san.EnumerateIPAddresses());
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, "ca.crt")));
        Assert.True(CaTrust.Verifies(ca, served, "single-active-webhook.single-active-system.svc"));
        Assert.InRange(served.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
        Assert.Contains("caBundle", output.ToString());
    }

    [Fact]
    public void Run_WildcardAndUppercaseDnsNames_Accepted()
    {
        var exit = CertsCommand.Run(["--out", directory, "--dns", "*.hooks.Example.com", "--dns", "Webhook.local"], TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, exit);
        using var served = X509Certificate2.CreateFromPemFile(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"));
        Assert.Equal(["*.hooks.Example.com", "Webhook.local"], served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Theory]
    [InlineData(new[] { "--service", "x" }, "--out DIR is required")]
    [InlineData(new[] { "--out", "d" }, "name at least one of --service, --dns or --ip")]
    [InlineData(new[] { "--out", "d", "--ip", "nope" }, "--ip \"nope\" is not an IP address")]
    [InlineData(new[] { "--out", "d", "--dns", "x", "--days", "0" }, "--days must be a whole number")]
    [InlineData(new[] { "--out", "d", "--namespace", "n" }, "--namespace only applies together with --service")]
    [InlineData(new[] { "--out", "d", "--service", "Web_hook" }, "--service \"Web_hook\" is not a Service name")]
    [InlineData(new[] { "--out", "d", "--service", "webhook", "--namespace", "BAD_NS" }, "--namespace \"BAD_NS\" is not a namespace name")]
    [InlineData(new[] { "--out", "d", "--dns", "ok.example", "--dns", "bad name!" }, "--dns \"bad name!\" is not a DNS name")]
    [InlineData(new[] { "--out", "d", "--frob", "x" }, "Unrecognized command or argument '--frob'.")]
    [InlineData(new[] { "--out" }, "Required argument missing for option: '--out'.")]
    public void Run_BadArguments_Exit2WithMessage(string[] args, string expected)
    {
        var error = new StringWriter();

        Assert.Equal(2, CertsCommand.Run(args, TextWriter.Null, error));
        Assert.Contains(expected, error.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Run_Help_Exit0WithUsageOnStdout(string flag)
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        Assert.Equal(0, CertsCommand.Run([flag], output, error));
        Assert.Contains("single-active-webhook certs [options]", output.ToString());
        Assert.Contains("--days <N>", output.ToString());
        Assert.Equal("", error.ToString());
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Run_UnknownOption_Exit2WithProblemAndUsageOnStderr()
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        Assert.Equal(2, CertsCommand.Run(["--out", directory, "--dns", "localhost", "--force"], output, error));
        Assert.StartsWith("single-active-webhook certs: Unrecognized command or argument '--force'.", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("single-active-webhook certs [options]", error.ToString());
        Assert.Equal("", output.ToString());
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Run_FlagGivenTwice_LastOneCounts()
    {
        var output = new StringWriter();

        Assert.Equal(0, CertsCommand.Run(["--out", directory, "--service", "a", "--namespace", "x", "--days", "10", "--service", "b", "--namespace", "y", "--days", "30"], output, TextWriter.Null));
        using var served = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, "tls.crt")));
        Assert.Equal(["b", "b.y", "b.y.svc", "b.y.svc.cluster.local"], served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.Contains("valid 30 days", output.ToString());
    }

    [Fact]
    public async Task Run_OutputServedByServer_ClientTrustingCaCrtVerifiesIt()
    {
        Assert.Equal(0, CertsCommand.Run(["--out", directory, "--dns", "localhost", "--ip", "127.0.0.1"], TextWriter.Null, TextWriter.Null));
        var server = await WebhookServerFixture.StartAsync(["--tls-cert-file", Path.Combine(directory, "tls.crt"), "--tls-private-key-file", Path.Combine(directory, "tls.key")]);
        try
        {
            using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, "ca.crt")));
            using var client = CaTrust.CreateClient(server.BaseAddress, ca);

            var response = await client.GetAsync("/healthz");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, true);
        }
    }
}
