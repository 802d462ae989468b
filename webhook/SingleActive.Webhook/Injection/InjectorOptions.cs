using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// What the webhook injects, bound from the configuration section <c>Injector</c> (e.g. env
/// <c>Injector__SidecarMode=native</c>) and checked at start-up by <see cref="InjectorOptionsValidator"/>.
/// Durations use the annotation syntax (<c>15s</c>, <c>1500ms</c>) so a value means the same everywhere.
/// </summary>
public sealed class InjectorOptions
{
    public const string SectionName = "Injector";

    /// <summary>The deployment passes the webhook's own image here, so the elector can never skew from the webhook.</summary>
    public const string ImageEnvironmentVariable = "SINGLE_ACTIVE_IMAGE";

    public const string FallbackImage = "single-active:dev";
    public const string DefaultCommand = "/usr/local/bin/single-active-elector";
    public const string DefaultServiceAccountName = "single-active-elector";

    private ParsedTimings? parsedTimings;

    /// <summary>The elector image. Default: env <c>SINGLE_ACTIVE_IMAGE</c>, else <c>single-active:dev</c>.</summary>
    public string Image { get; set; } = FallbackImage;

    /// <summary>Null leaves the API server's default (IfNotPresent, or Always for <c>:latest</c>).</summary>
    public string? ImagePullPolicy { get; set; }

    /// <summary>
    /// Secrets that pull the elector image from a private registry (<c>Injector:ImagePullSecrets:0=regcred</c>), added to
    /// each injected pod's <c>spec.imagePullSecrets</c> unless it lists them already: the kubelet pulls every image of a
    /// pod with the pod's secrets. The API server copies the ServiceAccount's secrets into a pod that lists none, before
    /// the webhook is called (ServiceAccount admission), so a pod switched to the dedicated account never gets that
    /// account's. Each must exist in the pod's namespace; the kubelet skips one that does not and tries the others
    /// (kubelet <c>getPullSecretsForPod</c>). Empty by default: the pod's secrets pull the elector too.
    /// </summary>
    public List<string> ImagePullSecrets { get; set; } = [];

    /// <summary>The elector's command; empty means <see cref="DefaultCommand"/>. (A list, not an array: the binder appends to arrays.)</summary>
    public List<string> Command { get; set; } = [];

    public SidecarMode SidecarMode { get; set; } = SidecarMode.Auto;

    /// <summary>Default mode for pods without <c>single-active.io/mode</c>.</summary>
    public ElectorMode Mode { get; set; } = ElectorMode.Readiness;

    /// <summary>The dedicated account pods on <c>default</c> (or none) are switched to.</summary>
    public string ServiceAccountName { get; set; } = DefaultServiceAccountName;

    /// <summary>Preferred elector port; the next free one is used when a container of the pod already uses it.</summary>
    public int Port { get; set; } = ElectorHttp.DefaultPort;

    public string LeaseDuration { get; set; } = Duration.Format(ElectionTimings.Default.LeaseDuration);
    public string RenewDeadline { get; set; } = Duration.Format(ElectionTimings.Default.RenewDeadline);
    public string RetryPeriod { get; set; } = Duration.Format(ElectionTimings.Default.RetryPeriod);

    /// <summary>periodSeconds of the elector's readinessProbe; part of the safety bound.</summary>
    public int ProbePeriodSeconds { get; set; } = ReadinessProbeTimings.Default.PeriodSeconds;

    public string CpuRequest { get; set; } = "10m";
    public string MemoryRequest { get; set; } = "24Mi";
    public string MemoryLimit { get; set; } = "48Mi";

    /// <summary>No CPU limit by default: CFS throttling would delay renewals, and the safety bound counts on timely ones.</summary>
    public string? CpuLimit { get; set; }

    /// <summary>
    /// The elector's <c>runAsUser</c>. Null (the default) leaves it to the image, which runs as the numeric non-root
    /// user 65532, or to the platform (OpenShift's restricted SCC assigns each namespace its own range and refuses
    /// other uids). <c>runAsNonRoot: true</c> is always set, so Pod Security "restricted" holds either way.
    /// </summary>
    public long? RunAsUser { get; set; }

    /// <summary>The elector's <c>runAsGroup</c>; null (the default) leaves it to the image or the platform.</summary>
    public long? RunAsGroup { get; set; }

    /// <summary>Lifetime of the elector's projected token; 3607 is what the API server itself uses for bound tokens.</summary>
    public int TokenExpirationSeconds { get; set; } = 3607;

    /// <summary>Render <c>SINGLE_ACTIVE_APP_PROBE</c> from the app container's httpGet or tcpSocket readinessProbe (see <see cref="AppContainers"/>, <see cref="AppProbes"/>).</summary>
    public bool AppHealthFromReadinessProbe { get; set; } = true;

    public IReadOnlyList<string> EffectiveCommand => Command.Count > 0 ? Command : [DefaultCommand];

    /// <summary>The configured timings; only valid after <see cref="InjectorOptionsValidator"/> accepted them.</summary>
    /// <remarks>Read on every injection: parsed again only when one of the three texts changed.</remarks>
    public ElectionTimings Timings
    {
        get
        {
            if (parsedTimings is not { } parsed || parsed.Texts != (LeaseDuration, RenewDeadline, RetryPeriod))
            {
                parsed = new ParsedTimings(
                    (LeaseDuration, RenewDeadline, RetryPeriod),
                    new(ParseOrDefault(LeaseDuration, ElectionTimings.Default.LeaseDuration),
                        ParseOrDefault(RenewDeadline, ElectionTimings.Default.RenewDeadline),
                        ParseOrDefault(RetryPeriod, ElectionTimings.Default.RetryPeriod)));
                parsedTimings = parsed;
            }

            return parsed.Timings;
        }
    }

    public ReadinessProbeTimings ProbeTimings => ReadinessProbeTimings.Default with { PeriodSeconds = ProbePeriodSeconds };

    private static TimeSpan ParseOrDefault(string text, TimeSpan fallback) => Duration.TryParse(text, out var value) ? value : fallback;

    private sealed record ParsedTimings((string LeaseDuration, string RenewDeadline, string RetryPeriod) Texts, ElectionTimings Timings);
}
