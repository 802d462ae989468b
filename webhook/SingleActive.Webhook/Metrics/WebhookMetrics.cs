using System.Collections.Concurrent;
using SingleActive.Core.Build;
using SingleActive.Core.Metrics;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Metrics;

/// <summary>The webhook's metrics, by name. Names are part of the public interface (docs/server.md).</summary>
public sealed class WebhookMetrics
{
    public const string AdmissionRequestsName = "single_active_admission_requests_total";
    public const string AdmissionDurationName = "single_active_admission_duration_seconds";
    public const string ProvisioningName = "single_active_provisioning_total";
    public const string CertificateReloadsName = "single_active_certificate_reloads_total";
    public const string CertificateReloadFailuresName = "single_active_certificate_reload_failures_total";
    public const string CertificateNotAfterName = "single_active_certificate_not_after_seconds";
    public const string BuildInfoName = "single_active_build_info";

    /// <summary>Kind label for requests that never got as far as a readable kind (400/413/415).</summary>
    public const string UnknownKind = "unknown";

    /// <summary>Kind label once too many distinct kinds were seen, so a misconfigured webhook cannot grow the series without bound.</summary>
    public const string OtherKind = "other";

    /// <summary>Decision label for requests refused at the HTTP level.</summary>
    public const string InvalidRequest = "invalid-request";

    private const int MaxDistinctKinds = 32;

    /// <summary>The kinds deploy/'s webhook configuration sends: their <c>error</c> series start at 0, so the first error alerts (docs/monitoring.md).</summary>
    public static readonly IReadOnlyList<string> ServedKinds = ["Pod", "Deployment", "StatefulSet", "Service", "PodDisruptionBudget", "NetworkPolicy"];

    /// <summary>Every <c>result</c> of <see cref="ProvisioningName"/>, written at 0 from the start.</summary>
    private static readonly string[] ProvisioningResults = ["created", "exists", "cached", "error", NodeBindingProblem.Missing, NodeBindingProblem.Forbidden, NodeBindingProblem.WrongRole];

    /// <summary>From well below a millisecond (a skip) to a second (an API call that times out badly).</summary>
    private static readonly double[] DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private readonly ConcurrentDictionary<string, string> kinds = new(StringComparer.Ordinal);
    private long certificateNotAfterBits = BitConverter.DoubleToInt64Bits(double.NaN);

    public WebhookMetrics(MetricsRegistry registry)
    {
        Registry = registry;
        registry.Register(new InfoMetric(BuildInfoName, "The webhook's version and source revision; always 1.", BuildVersion.Current.Labels()));
        AdmissionRequests = registry.Register(new Counter(AdmissionRequestsName, "Admission requests answered, by object kind and decision.", "kind", "decision"));
        AdmissionDuration = registry.Register(new Histogram(AdmissionDurationName, "Time to answer an admission request, from the request body read to the response written.", DurationBuckets));
        Provisioning = registry.Register(new Counter(ProvisioningName, "ServiceAccount/RoleBinding provisioning attempts, by result (created, exists, cached, error; node-binding-missing, node-binding-forbidden, node-binding-wrong-role: the pod was admitted but its account could not be added to the node-reading ClusterRoleBinding).", "result"));
        CertificateReloads = registry.Register(new Counter(CertificateReloadsName, "Serving certificates loaded after start-up because the files changed."));
        CertificateReloadFailures = registry.Register(new Counter(CertificateReloadFailuresName, "Certificate files that could not be loaded, or (self-signed mode) failed reads of the certificate Secret; the previous certificate stays in use."));
        foreach (var kind in ServedKinds)
        {
            AdmissionRequests.Initialize(kind, Admission.Decisions.Error);
        }

        foreach (var result in ProvisioningResults)
        {
            Provisioning.Initialize(result);
        }

        registry.Register(new Gauge(CertificateNotAfterName, "Expiry of the serving certificate in use, in Unix seconds.", ReadNotAfter));
    }

    public MetricsRegistry Registry { get; }

    public Counter AdmissionRequests { get; }

    public Histogram AdmissionDuration { get; }

    public Counter Provisioning { get; }

    public Counter CertificateReloads { get; }

    public Counter CertificateReloadFailures { get; }

    public void RecordAdmission(string? kind, string decision, TimeSpan elapsed)
    {
        AdmissionRequests.Inc(KindLabel(kind), decision);
        AdmissionDuration.Observe(elapsed.TotalSeconds);
    }

    public void SetCertificateNotAfter(DateTimeOffset notAfter) =>
        Interlocked.Exchange(ref certificateNotAfterBits, BitConverter.DoubleToInt64Bits(notAfter.ToUnixTimeSeconds()));

    private double? ReadNotAfter()
    {
        var value = BitConverter.Int64BitsToDouble(Interlocked.Read(ref certificateNotAfterBits));
        return double.IsNaN(value) ? null : value;
    }

    private string KindLabel(string? kind)
    {
        if (string.IsNullOrEmpty(kind))
        {
            return UnknownKind;
        }

        if (this.kinds.TryGetValue(kind, out var known))
        {
            return known;
        }

        if (this.kinds.Count >= MaxDistinctKinds || kind.Length > 63 || !kind.All(char.IsAsciiLetterOrDigit))
        {
            return OtherKind;
        }

        return this.kinds.GetOrAdd(kind, kind);
    }
}
