using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SingleActive.Core.Trust;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// The CA bundle the API server's certificate is checked against, re-read from its file when it changes, and the
/// outcome of the checks. In a pod the bundle is the projected <c>kube-root-ca.crt</c> ConfigMap, which the kubelet
/// rewrites when the cluster CA rotates; read once, every connection after a rotation would fail forever while
/// <c>/healthz</c> stayed 200 and nothing restarted the elector. The file is compared at most every
/// <see cref="ReloadInterval"/>, on the TLS handshakes themselves (no timer); a bundle that does not parse keeps
/// the previous one. Thread-safe: handshakes run on many threads.
/// </summary>
public sealed class ApiServerTrust
{
    /// <summary>How often the bundle file may be compared with the loaded one (client-go re-reads its CA file on a similar scale).</summary>
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    private readonly string? file;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private X509Certificate2Collection bundle;
    private byte[]? loadedBytes;
    private long checkedAt;
    private long failingSince;
    private bool failing;
    private long failures;
    private long reloads;

    /// <param name="file">The bundle's file, re-read when it changes; null for a bundle given inline (kubeconfig data).</param>
    public ApiServerTrust(X509Certificate2Collection bundle, string? file, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(time);
        this.bundle = bundle;
        this.file = file;
        this.time = time;
        checkedAt = time.GetTimestamp();
        if (file is not null)
        {
            loadedBytes = TryRead(file);
        }
    }

    /// <summary>Server certificates that were not trusted, in total.</summary>
    public long Failures => Interlocked.Read(ref failures);

    /// <summary>Times a changed bundle file was loaded.</summary>
    public long Reloads => Interlocked.Read(ref reloads);

    /// <summary>How long every check has failed, since the first failure after the last success; null while trusted.</summary>
    public TimeSpan? FailingFor
    {
        get
        {
            lock (gate)
            {
                return failing ? this.time.GetElapsedTime(failingSince) : null;
            }
        }
    }

    /// <summary>The handshake's verdict: the server's chain must end in a certificate of the current bundle.</summary>
    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        var bundle = Current();
        var trusted = ClusterConnection.Trusted(bundle, certificate, errors);
        lock (gate)
        {
            if (trusted)
            {
                failing = false;
            }
            else
            {
                Interlocked.Increment(ref failures);
                if (!failing)
                {
                    failing = true;
                    failingSince = this.time.GetTimestamp();
                }
            }
        }

        return trusted;
    }

    private X509Certificate2Collection Current()
    {
        if (this.file is null)
        {
            return this.bundle;
        }

        lock (gate)
        {
            if (this.time.GetElapsedTime(checkedAt) < ReloadInterval)
            {
                return this.bundle;
            }

            checkedAt = this.time.GetTimestamp();
            if (TryRead(this.file) is { } bytes && (loadedBytes is null || !CryptographicOperations.FixedTimeEquals(bytes, loadedBytes)))
            {
                // A half-written or broken file parses to null: keep trusting what was loaded; the next check reads it again.
                if (CaBundle.TryParse(bytes) is { } bundle)
                {
                    this.bundle = bundle;
                    loadedBytes = bytes;
                    Interlocked.Increment(ref reloads);
                }
            }

            return this.bundle;
        }
    }

    private static byte[]? TryRead(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
