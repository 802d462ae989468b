using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.NodeDrain;

namespace SingleActive.Elector.Configuration;

/// <summary>The elector's settings, all from the environment the webhook renders (see <see cref="ElectorEnv"/>).</summary>
public sealed record ElectorOptions(
    string Identity,
    string Namespace,
    string LeaseName,
    ElectionTimings Timings,
    int Port,
    IPAddress Bind,
    Uri? AppHealthUrl,
    int AppHealthFailureThreshold,
    AppProbeSpec? AppProbe,
    string? PodIp,
    ElectorMode Mode,
    string? PodUid,
    LogLevel LogLevel)
{
    /// <summary>Elector-only knob (not rendered by the webhook): <c>debug</c>, <c>info</c>, <c>warn</c>, <c>error</c>.</summary>
    public const string LogLevelVariable = "SINGLE_ACTIVE_LOG_LEVEL";

    public const int DefaultAppHealthFailureThreshold = 3;

    /// <summary><see cref="ElectorEnv.NodeName"/>: the node whose cordon or drain taints start a handover; null (not rendered, an older webhook): no drain awareness.</summary>
    public string? NodeName { get; init; }

    /// <summary><see cref="ElectorEnv.DrainTaints"/>, <see cref="DrainRules.Default"/> when unset.</summary>
    public DrainRules DrainTaints { get; init; } = DrainRules.Default;

    /// <summary>
    /// The readinessProbe the kubelet runs on this elector: <see cref="ReadinessProbeTimings.Default"/> with the period of
    /// <see cref="ElectorEnv.ProbePeriod"/>. The timings are validated against it, and a release waits for its detection.
    /// </summary>
    public ReadinessProbeTimings Probe { get; init; } = ReadinessProbeTimings.Default;

    /// <summary>Where Kubernetes mounts the pod's namespace, used when POD_NAMESPACE is not set.</summary>
    public const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>
    /// How often the app's health is checked: every retry period, but at least once a second, so a
    /// failing app is noticed before the next renew would go out.
    /// </summary>
    public TimeSpan AppHealthInterval => Timings.RetryPeriod < TimeSpan.FromSeconds(1) ? Timings.RetryPeriod : TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reads and validates every setting; returns <c>null</c> with one message per problem (each
    /// naming the variable) when the elector must not start.
    /// </summary>
    public static ElectorOptions? Parse(Func<string, string?> env, out IReadOnlyList<string> errors, string namespaceFile = ServiceAccountNamespaceFile)
    {
        var problems = new List<string>();

        var identity = Trimmed(env(ElectorEnv.PodName));
        if (identity is null)
        {
            problems.Add($"{ElectorEnv.PodName} is not set: it is this replica's identity in the Lease (the webhook sets it from metadata.name via the downward API)");
        }

        var @namespace = Trimmed(env(ElectorEnv.PodNamespace)) ?? ReadNamespaceFile(namespaceFile);
        if (@namespace is null)
        {
            problems.Add($"{ElectorEnv.PodNamespace} is not set and {namespaceFile} does not exist: the Lease's namespace is unknown");
        }

        var leaseName = Trimmed(env(ElectorEnv.LeaseName));
        if (leaseName is null)
        {
            problems.Add($"{ElectorEnv.LeaseName} is not set: every replica of a workload must campaign for the same Lease name");
        }
        else if (!KubernetesNames.IsDnsSubdomain(leaseName))
        {
            problems.Add($"{ElectorEnv.LeaseName} '{leaseName}' is not a valid Lease name (lowercase letters, digits, '-' and '.', at most 253 characters)");
        }

        var lease = ReadDuration(env, ElectorEnv.LeaseDuration, ElectionTimings.Default.LeaseDuration, problems);
        var renew = ReadDuration(env, ElectorEnv.RenewDeadline, ElectionTimings.Default.RenewDeadline, problems);
        var retry = ReadDuration(env, ElectorEnv.RetryPeriod, ElectionTimings.Default.RetryPeriod, problems);
        var timings = new ElectionTimings(lease, renew, retry);
        var probe = ReadinessProbeTimings.Default;
        if (Trimmed(env(ElectorEnv.ProbePeriod)) is { } periodText)
        {
            if (probe.TryWithPeriod(periodText, out var withPeriod))
            {
                probe = withPeriod;
            }
            else
            {
                problems.Add($"{ElectorEnv.ProbePeriod} '{periodText}' must be whole seconds from 1s to {ReadinessProbeTimings.MaxPeriodSeconds}s (the periodSeconds of the elector's readinessProbe)");
            }
        }

        if (lease > TimeSpan.Zero && renew > TimeSpan.Zero && retry > TimeSpan.Zero)
        {
            foreach (var problem in timings.Validate(probe))
            {
                var probeVariable = probe == ReadinessProbeTimings.Default ? "" : $"/{ElectorEnv.ProbePeriod}";
                problems.Add($"{ElectorEnv.LeaseDuration}/{ElectorEnv.RenewDeadline}/{ElectorEnv.RetryPeriod}{probeVariable}: {problem}");
            }
        }

        var port = ElectorHttp.DefaultPort;
        if (Trimmed(env(ElectorEnv.Port)) is { } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            problems.Add($"{ElectorEnv.Port} '{portText}' is not a TCP port (1-65535)");
        }

        // Every address of the pod, IPv6 and IPv4 (see ElectorHttpServer): the kubelet probes the pod's primary IP.
        var bind = IPAddress.IPv6Any;
        if (Trimmed(env(ElectorEnv.Bind)) is { } bindText && !IPAddress.TryParse(bindText, out bind))
        {
            problems.Add($"{ElectorEnv.Bind} '{bindText}' is not an IP address");
        }

        Uri? appHealth = null;
        if (Trimmed(env(ElectorEnv.AppHealthUrl)) is { } urlText
            && (!Uri.TryCreate(urlText, UriKind.Absolute, out appHealth) || appHealth.Scheme is not ("http" or "https")))
        {
            problems.Add($"{ElectorEnv.AppHealthUrl} '{urlText}' is not an absolute http(s) URL");
        }

        var threshold = DefaultAppHealthFailureThreshold;
        if (Trimmed(env(ElectorEnv.AppHealthFailureThreshold)) is { } thresholdText
            && (!int.TryParse(thresholdText, NumberStyles.None, CultureInfo.InvariantCulture, out threshold) || threshold < 1))
        {
            problems.Add($"{ElectorEnv.AppHealthFailureThreshold} '{thresholdText}' must be a whole number of at least 1");
        }

        AppProbeSpec? appProbe = null;
        if (Trimmed(env(ElectorEnv.AppProbe)) is { } probeText && (appProbe = AppProbeSpec.Parse(probeText, out var probeProblem)) is null)
        {
            problems.Add($"{ElectorEnv.AppProbe} is not an app probe ({probeProblem}): '{probeText}'");
        }

        var mode = ElectorMode.Readiness;
        if (Trimmed(env(ElectorEnv.Mode)) is { } modeText && !Enum.TryParse(modeText, ignoreCase: true, out mode))
        {
            problems.Add($"{ElectorEnv.Mode} '{modeText}' must be 'readiness' or 'label'");
        }

        var logLevel = LogLevel.Information;
        if (Trimmed(env(LogLevelVariable)) is { } levelText)
        {
            logLevel = levelText.ToLowerInvariant() switch
            {
                "debug" => LogLevel.Debug,
                "info" or "information" => LogLevel.Information,
                "warn" or "warning" => LogLevel.Warning,
                "error" => LogLevel.Error,
                _ => LogLevel.None,
            };
            if (logLevel == LogLevel.None)
            {
                problems.Add($"{LogLevelVariable} '{levelText}' must be debug, info, warn or error");
            }
        }

        var drainTaints = DrainRules.Default;
        if (Trimmed(env(ElectorEnv.DrainTaints)) is { } taintsText && (drainTaints = DrainRules.Parse(taintsText, out var taintsProblem)!) is null)
        {
            problems.Add($"{ElectorEnv.DrainTaints} is not a list of taint keys ({taintsProblem}): '{taintsText}'");
        }

        errors = problems;
        return problems.Count > 0
            ? null
            : new ElectorOptions(identity!, @namespace!, leaseName!, timings, port, bind ?? IPAddress.IPv6Any, appHealth, threshold, appProbe, Trimmed(env(ElectorEnv.PodIp)), mode, Trimmed(env(ElectorEnv.PodUid)), logLevel)
            {
                NodeName = Trimmed(env(ElectorEnv.NodeName)),
                DrainTaints = drainTaints ?? DrainRules.Default,
                Probe = probe,
            };
    }

    private static TimeSpan ReadDuration(Func<string, string?> env, string name, TimeSpan fallback, List<string> problems)
    {
        var text = Trimmed(env(name));
        if (text is null)
        {
            return fallback;
        }

        if (Duration.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{name} '{text}' is not a duration (examples: 15s, 1500ms, 1m)");
        return TimeSpan.Zero;
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? ReadNamespaceFile(string path)
    {
        try
        {
            return File.Exists(path) ? Trimmed(File.ReadAllText(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
