using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Kubelet;
using SingleActive.E2E.Tests.Support;
using SingleActive.Tests.Shared;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// The self-signed overlay's mode, with the published webhook binary against the real API server: two
/// replicas elect one certificate writer, both serve the certificate stored in the Secret, the webhook
/// configuration's caBundle is patched to its CA, the writer renews before expiry and both replicas
/// switch, and a stopped writer's role passes to the other replica. The processes run with the
/// ServiceAccount token and the overlay's own RBAC, so those rules are proven sufficient.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class SelfSignedModeTests(ControlPlaneFixture cluster)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task TwoReplicas_SelfSignedMode_OneWriterBothServeTheSecretsCertificate()
    {
        await using var stage = await SelfSignedCluster.CreateAsync(cluster);
        int portA = LoopbackPorts.Reserve(), portB = LoopbackPorts.Reserve();
        var a = stage.StartReplica("replica-a", portA, FastTimings());
        var b = stage.StartReplica("replica-b", portB, FastTimings());

        var (serving, caPem) = await Eventually.SucceedsAsync(() => ReadSecretAsync(stage, a, b), TimeSpan.FromSeconds(60), "the Secret written by the writer");
        await Eventually.UntilAsync(async () => await ServedThumbprintAsync(portA) == serving.Thumbprint && await ServedThumbprintAsync(portB) == serving.Thumbprint,
            TimeSpan.FromSeconds(30), $"both replicas serving the Secret's certificate {serving.Thumbprint} (logs: {a.LogFile}, {b.LogFile})");

        // Exactly one writer: the Lease names one replica, and only that one ever logged the role.
        var lease = await stage.Client.CoordinationV1.ReadNamespacedLeaseAsync(SelfSignedCluster.LeaseName, stage.Namespace);
        Assert.Contains(lease.Spec.HolderIdentity, new[] { "replica-a", "replica-b" });
        Assert.Equal(1, new[] { a, b }.Count(p => p.ReadLog().Contains("now the certificate writer", StringComparison.Ordinal)));

        // The API server's view: every webhook's caBundle is the Secret's CA, and a client that trusts only
        // that CA verifies the served certificate for <service>.<namespace>.svc, as the API server would.
        await Eventually.UntilAsync(async () => (await CaBundlesAsync(stage)).All(bundle => bundle == caPem), TimeSpan.FromSeconds(15), "the caBundle patched to the Secret's CA");
        Assert.Equal(2, (await CaBundlesAsync(stage)).Count);
        Assert.True(await VerifiesAsync(portA, $"{SelfSignedCluster.ServiceName}.{stage.Namespace}.svc", caPem));
        Assert.True(await VerifiesAsync(portB, $"{SelfSignedCluster.ServiceName}.{stage.Namespace}.svc", caPem));

        // The writer stops (SIGTERM releases the Lease): the other replica takes the role over.
        var (writer, other) = lease.Spec.HolderIdentity == "replica-a" ? (a, "replica-b") : (b, "replica-a");
        await writer.StopAsync(TimeSpan.FromSeconds(20));
        await Eventually.UntilAsync(
            async () => (await stage.Client.CoordinationV1.ReadNamespacedLeaseAsync(SelfSignedCluster.LeaseName, stage.Namespace)).Spec.HolderIdentity == other,
            TimeSpan.FromSeconds(15), $"{other} taking over the writer Lease");
    }

    [Fact]
    public async Task Writer_CertificateNearExpiry_RenewedAndServedByBothReplicas()
    {
        await using var stage = await SelfSignedCluster.CreateAsync(cluster);
        int portA = LoopbackPorts.Reserve(), portB = LoopbackPorts.Reserve();
        // 30 s certificates: renewal is due after 20 s (2/3 of the lifetime).
        string[] shortLived = [.. FastTimings(), "--SelfSigned:CertificateValidity=00:00:30"];
        var a = stage.StartReplica("replica-a", portA, shortLived);
        var b = stage.StartReplica("replica-b", portB, shortLived);
        var (first, caPem) = await Eventually.SucceedsAsync(() => ReadSecretAsync(stage, a, b), TimeSpan.FromSeconds(60), "the first certificate");
        await Eventually.UntilAsync(async () => await ServedThumbprintAsync(portA) == first.Thumbprint && await ServedThumbprintAsync(portB) == first.Thumbprint,
            TimeSpan.FromSeconds(30), $"both replicas serving the first certificate (logs: {a.LogFile}, {b.LogFile})");

        // Due once a third of the configured 30 s is left (certificates are backdated, so not from NotBefore).
        var renewAt = first.NotAfter.ToUniversalTime().AddSeconds(-10);
        var (second, secondCa) = await Eventually.SucceedsAsync(
            async () =>
            {
                var current = await ReadSecretAsync(stage, a, b);
                return current.Serving.Thumbprint != first.Thumbprint ? current : throw new InvalidOperationException("not renewed yet");
            },
            TimeSpan.FromSeconds(45), "the renewed certificate in the Secret");

        // Renewed once due and before expiry, by the same CA (so the caBundle stays valid throughout).
        Assert.InRange(DateTime.UtcNow, renewAt.AddSeconds(-2), first.NotAfter.ToUniversalTime());
        Assert.Equal(caPem, secondCa);
        await Eventually.UntilAsync(async () => await ServedThumbprintAsync(portA) == second.Thumbprint && await ServedThumbprintAsync(portB) == second.Thumbprint,
            TimeSpan.FromSeconds(5), "both replicas serving the renewed certificate within a few polls");
        Assert.True(await VerifiesAsync(portA, $"{SelfSignedCluster.ServiceName}.{stage.Namespace}.svc", caPem));

        // Renewed once, not on every poll.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(second.Thumbprint, (await ReadSecretAsync(stage, a, b)).Serving.Thumbprint);
    }

    [Fact]
    public async Task Writer_CaNearExpiry_RotatedWithoutAMomentTheServedCertificateIsUntrusted()
    {
        await using var stage = await SelfSignedCluster.CreateAsync(cluster);
        int portA = LoopbackPorts.Reserve(), portB = LoopbackPorts.Reserve();
        // A 60 s CA is due for rotation after 40 s; 30 s serving certificates renew in between.
        string[] shortLived = ["--SelfSigned:PollInterval=00:00:01", "--SelfSigned:LeaseDuration=00:00:05", "--SelfSigned:CaValidity=00:01:00", "--SelfSigned:CertificateValidity=00:00:30"];
        var a = stage.StartReplica("replica-a", portA, shortLived);
        var b = stage.StartReplica("replica-b", portB, shortLived);
        var (_, firstCa) = await Eventually.SucceedsAsync(() => ReadSecretAsync(stage, a, b), TimeSpan.FromSeconds(60), "the first certificate");
        await Eventually.UntilAsync(async () => await ServedThumbprintAsync(portA) is not null && await ServedThumbprintAsync(portB) is not null,
            TimeSpan.FromSeconds(30), $"both replicas listening (logs: {a.LogFile}, {b.LogFile})");

        // Sample like the API server would call: every served certificate must chain to the caBundle
        // (read just before and just after the handshake: the API server's view lies in between).
        var deadline = DateTime.UtcNow.AddSeconds(75);
        var samples = 0;
        var untrusted = new List<string>();
        string? rotatedCa = null;
        while (DateTime.UtcNow < deadline && rotatedCa is null)
        {
            foreach (var port in new[] { portA, portB })
            {
                var before = await CaBundlesAsync(stage);
                using var served = await ServedCertificateAsync(port);
                var after = await CaBundlesAsync(stage);
                if (served is null || !before.Concat(after).Any(bundle => ChainsTo(served, bundle)))
                {
                    untrusted.Add($"{DateTime.UtcNow:HH:mm:ss.fff} port {port}: {served?.Thumbprint ?? "no handshake"}");
                }

                samples++;
            }

            var (_, ca) = await ReadSecretAsync(stage, a, b);
            rotatedCa = ca != firstCa ? ca : null;
            await Task.Delay(200);
        }

        Assert.True(rotatedCa is not null, $"the CA was not rotated within 75 s (logs: {a.LogFile}, {b.LogFile})");
        Assert.True(untrusted.Count == 0, $"{untrusted.Count} of {samples} samples served a certificate the caBundle did not trust:\n{string.Join('\n', untrusted)}");

        // After the rotation: new CA first, the old one still trusted until it expires, kept in the Secret.
        var bundle = Assert.Single((await CaBundlesAsync(stage)).Distinct());
        Assert.Equal(rotatedCa + firstCa, bundle);
        var secret = await stage.Client.CoreV1.ReadNamespacedSecretAsync(SelfSignedCluster.SecretName, stage.Namespace);
        Assert.Equal(firstCa, Encoding.ASCII.GetString(secret.Data["ca-previous.crt"]));
        await Eventually.UntilAsync(
            async () => await VerifiesAsync(portA, $"{SelfSignedCluster.ServiceName}.{stage.Namespace}.svc", rotatedCa!)
                && await VerifiesAsync(portB, $"{SelfSignedCluster.ServiceName}.{stage.Namespace}.svc", rotatedCa!),
            TimeSpan.FromSeconds(10), "both replicas serving a certificate of the new CA");
    }

    private static string[] FastTimings() =>
        ["--SelfSigned:PollInterval=00:00:01", "--SelfSigned:LeaseDuration=00:00:05", "--SelfSigned:CaValidity=02:00:00", "--SelfSigned:CertificateValidity=01:00:00"];

    private static async Task<(X509Certificate2 Serving, string CaPem)> ReadSecretAsync(SelfSignedCluster stage, params LocalProcess[] replicas)
    {
        if (replicas.FirstOrDefault(r => r.HasExited) is { } exited)
        {
            throw new InvalidOperationException($"a replica exited: {exited.ReadLog()}");
        }

        var secret = await stage.Client.CoreV1.ReadNamespacedSecretAsync(SelfSignedCluster.SecretName, stage.Namespace);
        Assert.Equal("kubernetes.io/tls", secret.Type);
        foreach (var key in new[] { "tls.crt", "tls.key", "ca.crt" })
        {
            Assert.True(secret.Data.ContainsKey(key), $"Secret lacks {key}");
        }

        return (X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(secret.Data["tls.crt"])), Encoding.ASCII.GetString(secret.Data["ca.crt"]));
    }

    private static async Task<List<string>> CaBundlesAsync(SelfSignedCluster stage)
    {
        var configuration = await stage.Client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(stage.Configuration);
        return configuration.Webhooks.Select(w => w.ClientConfig.CaBundle is { } bundle ? Encoding.ASCII.GetString(bundle) : "").ToList();
    }

    private static async Task<X509Certificate2?> ServedCertificateAsync(int port)
    {
        try
        {
            return await HandshakeAsync(port, "localhost", (_, _, _, _) => true);
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return null;
        }
    }

    private static bool ChainsTo(X509Certificate2 served, string bundlePem)
    {
        if (bundlePem.Length == 0)
        {
            return false;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(bundlePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(served);
    }

    private static async Task<string?> ServedThumbprintAsync(int port)
    {
        try
        {
            using var certificate = await HandshakeAsync(port, "localhost", (_, _, _, _) => true);
            return certificate?.Thumbprint;
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return null;
        }
    }

    /// <summary>A handshake that succeeds only when the chain ends at <paramref name="caPem"/> and the name matches.</summary>
    private static async Task<bool> VerifiesAsync(int port, string serverName, string caPem)
    {
        using var ca = X509Certificate2.CreateFromPem(caPem);
        try
        {
            using var certificate = await HandshakeAsync(port, serverName, (_, cert, _, errors) =>
        {
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || cert is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var served = X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
            return chain.Build(served);
        });
            return certificate is not null;
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    private static async Task<X509Certificate2?> HandshakeAsync(int port, string serverName, RemoteCertificateValidationCallback validate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), false, validate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName });
        return tls.RemoteCertificate is { } remote ? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;
    }
}
