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

    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private X509Certificate2Collection _bundle;
    private byte[]? _loadedBytes;
    private long _checkedAt;
    private long _failingSince;
    private bool _failing;
    private long _failures;
    private long _reloads;

    /// <param name="file">The bundle's file, re-read when it changes; null for a bundle given inline (kubeconfig data).</param>
    public ApiServerTrust(X509Certificate2Collection bundle, string? file, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(time);
        _bundle = bundle;
        _file = file;
        _time = time;
        _checkedAt = time.GetTimestamp();
        if (file is not null)
        {
            _loadedBytes = TryRead(file);
        }
    }

    /// <summary>Server certificates that were not trusted, in total.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Times a changed bundle file was loaded.</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>How long every check has failed, since the first failure after the last success; null while trusted.</summary>
    public TimeSpan? FailingFor
    {
        get
        {
            lock (_gate)
            {
                return _failing ? _time.GetElapsedTime(_failingSince) : null;
            }
        }
    }

    /// <summary>The handshake's verdict: the server's chain must end in a certificate of the current bundle.</summary>
    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        var bundle = Current();
        var trusted = ClusterConnection.Trusted(bundle, certificate, errors);
        lock (_gate)
        {
            if (trusted)
            {
                _failing = false;
            }
            else
            {
                Interlocked.Increment(ref _failures);
                if (!_failing)
                {
                    _failing = true;
                    _failingSince = _time.GetTimestamp();
                }
            }
        }

        return trusted;
    }

    private X509Certificate2Collection Current()
    {
        if (_file is null)
        {
            return _bundle;
        }

        lock (_gate)
        {
            if (_time.GetElapsedTime(_checkedAt) < ReloadInterval)
            {
                return _bundle;
            }

            _checkedAt = _time.GetTimestamp();
            if (TryRead(_file) is { } bytes && (_loadedBytes is null || !CryptographicOperations.FixedTimeEquals(bytes, _loadedBytes)))
            {
                // A half-written or broken file parses to null: keep trusting what was loaded; the next check reads it again.
                if (CaBundle.TryParse(bytes) is { } bundle)
                {
                    _bundle = bundle;
                    _loadedBytes = bytes;
                    Interlocked.Increment(ref _reloads);
                }
            }

            return _bundle;
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
