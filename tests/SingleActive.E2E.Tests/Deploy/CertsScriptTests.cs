using System.Security.Cryptography.X509Certificates;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>certs/generate.sh with the published binary: the Secret layout, the Service's names, a chain to ca.crt.</summary>
public sealed class CertsScriptTests
{
    [Fact]
    public async Task GenerateScript_PublishedBinary_WritesSecretLayoutForTheService()
    {
        var binary = RepositoryPaths.PublishedBinary(RepositoryPaths.WebhookBinary);
        var output = Path.Combine(Path.GetTempPath(), $"single-active-certs-{Guid.NewGuid():N}");
        try
        {
            var (exit, stdout, stderr) = await ExternalCommand.RunAsync(
                Path.Combine(RepositoryPaths.Root, "certs", "generate.sh"), ["--out", output, "--days", "30"],
                new Dictionary<string, string> { ["SINGLE_ACTIVE_WEBHOOK"] = binary });

            Assert.True(exit == 0, $"certs/generate.sh failed: {stderr}{stdout}");
            Assert.Equal(["ca.crt", "tls.crt", "tls.key"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
            using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(output, "ca.crt")));
            var keyPem = await File.ReadAllTextAsync(Path.Combine(output, "tls.key"));
            using var serving = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(output, "tls.crt")), keyPem);
            Assert.True(serving.HasPrivateKey);
            Assert.Contains("single-active-webhook.single-active-system.svc", serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
            Assert.InRange(serving.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(serving), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        }
        finally
        {
            if (Directory.Exists(output) && Environment.GetEnvironmentVariable("SINGLE_ACTIVE_E2E_KEEP") != "1")
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
