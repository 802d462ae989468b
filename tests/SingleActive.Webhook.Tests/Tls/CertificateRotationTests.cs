using System.Net;
using System.Security.Cryptography.X509Certificates;
using SingleActive.Webhook.Tests.Serving;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Tls;

/// <summary>Rotation through the real server: the kubelet swaps <c>..data</c>; new handshakes get the new certificate within 10 s.</summary>
public sealed class CertificateRotationTests
{
    [Fact]
    public async Task Server_AfterKubeletStyleSwap_ServesNewCertificateWithin10Seconds()
    {
        using var ca = CertificateFactory.CreateAuthority("rotation CA", TimeSpan.FromDays(2));
        using var firstLeaf = CertificateFactory.CreateServing(ca, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        using var secondLeaf = CertificateFactory.CreateServing(ca, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        using var volume = new KubeletSecretVolume(new CertificateBundle(ca, firstLeaf));
        var server = await WebhookServerFixture.StartAsync(["--tls-cert-file", volume.CertFile, "--tls-private-key-file", volume.KeyFile]);
        try
        {
            Assert.Equal(firstLeaf.Thumbprint, await PresentedThumbprintAsync(server.BaseAddress, ca));

            volume.Swap(new CertificateBundle(ca, secondLeaf));
            var swapped = DateTime.UtcNow;
            string? seen = null;
            while (DateTime.UtcNow - swapped < TimeSpan.FromSeconds(10))
            {
                seen = await PresentedThumbprintAsync(server.BaseAddress, ca);
                if (seen == secondLeaf.Thumbprint)
                {
                    break;
                }

                await Task.Delay(200);
            }

            Assert.Equal(secondLeaf.Thumbprint, seen);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A fresh connection (no pooling), so each call is a new handshake.</summary>
    private static async Task<string?> PresentedThumbprintAsync(Uri baseAddress, X509Certificate2 ca)
    {
        string? thumbprint = null;
        using var client = CaTrust.CreateClient(baseAddress, ca, c => thumbprint = c.Thumbprint, pooled: false);
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return thumbprint;
    }
}
