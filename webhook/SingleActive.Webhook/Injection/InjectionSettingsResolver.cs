using System.Globalization;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Applies the <c>single-active.io/*</c> overrides to the options. Every bad value is reported at once,
/// each naming its annotation, so a user fixes a manifest in one round trip.
/// </summary>
public static class InjectionSettingsResolver
{
    private const string DurationExamples = "expected a duration such as 15s, 1500ms or 1m30s";

    public static InjectionSettings? Resolve(V1Pod pod, InjectorOptions options, InjectionContext context, string description, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        var annotations = pod.Metadata?.Annotations ?? new Dictionary<string, string>();
        var errors = new List<string>();
        string Bad(string key, string value, string expected) => $"annotation \"{key}\" on {description} is \"{value}\"; {expected}";

        var leaseName = LeaseName(pod, context, description, errors);

        var mode = options.Mode;
        if (annotations.TryGetValue(Annotations.Mode, out var modeText) && !ElectorModes.TryParse(modeText, out mode))
        {
            errors.Add(Bad(Annotations.Mode, modeText, $"accepted values are {ElectorModes.AcceptedValues}"));
        }

        var timings = options.Timings;
        var probe = options.ProbeTimings;
        var timingsParsed = true;
        timings = timings with
        {
            LeaseDuration = DurationOverride(Annotations.LeaseDuration, timings.LeaseDuration),
            RenewDeadline = DurationOverride(Annotations.RenewDeadline, timings.RenewDeadline),
            RetryPeriod = DurationOverride(Annotations.RetryPeriod, timings.RetryPeriod),
        };
        if (annotations.TryGetValue(Annotations.ProbePeriod, out var periodText))
        {
            if (probe.TryWithPeriod(periodText, out var withPeriod))
            {
                probe = withPeriod;
            }
            else
            {
                errors.Add(Bad(Annotations.ProbePeriod, periodText, $"expected a whole number of seconds from 1s to {ReadinessProbeTimings.MaxPeriodSeconds}s, such as 1s or 2 (periodSeconds is an integer)"));
                timingsParsed = false;
            }
        }

        if (timingsParsed)
        {
            var timingErrors = timings.Validate(probe);
            if (timingErrors.Count > 0)
            {
                errors.Add($"the timing annotations on {description} are invalid: {string.Join("; ", timingErrors)}");
            }
        }

        var hostNetwork = pod.Spec?.HostNetwork == true;
        var port = Port(pod, annotations, options, errors, Bad);
        var resources = ElectorResources.Resolve(annotations, options, description, errors);
        var drainTaints = DrainTaintsOverride(annotations, errors, Bad);

        if (errors.Count > 0)
        {
            error = string.Join("; ", errors);
            return null;
        }

        error = null;
        return new InjectionSettings(
            leaseName!, mode, timings, probe, port, hostNetwork, SidecarModes.Choose(options.SidecarMode, context.ServerVersion, context.OldestKubelet), resources, context.DedicatedAccount, drainTaints,
            PodRunsAsRoot: pod.Spec?.SecurityContext?.RunAsUser == 0);

        TimeSpan DurationOverride(string key, TimeSpan fallback)
        {
            if (!annotations.TryGetValue(key, out var text))
            {
                return fallback;
            }

            if (Duration.TryParse(text, out var value))
            {
                return value;
            }

            errors.Add(Bad(key, text, DurationExamples));
            timingsParsed = false;
            return fallback;
        }
    }

    private static string? LeaseName(V1Pod pod, InjectionContext context, string description, List<string> errors)
    {
        var lease = LeaseNames.Of(pod, context.LeaseNameHint, out var named);
        if (KubernetesNames.IsDnsSubdomain(lease))
        {
            return lease;
        }

        errors.Add(
            named ? $"annotation \"{Annotations.LeaseName}\" on {description} is \"{lease}\", which is not a valid Lease name: " +
                "use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
            : lease is null ? $"cannot derive a Lease name for {description} (no owner, generateName or name); set the annotation \"{Annotations.LeaseName}\""
            : $"the Lease name derived for {description}, \"{lease}\", is not a valid DNS subdomain; set the annotation \"{Annotations.LeaseName}\"");
        return null;
    }

    /// <summary>The annotation's list, normalized; null when unset (the elector then watches for <see cref="Contract.DrainTaints.Default"/>).</summary>
    private static string? DrainTaintsOverride(IDictionary<string, string> annotations, List<string> errors, Func<string, string, string, string> bad)
    {
        if (!annotations.TryGetValue(Annotations.DrainTaints, out var text))
        {
            return null;
        }

        if (DrainTaintList.Parse(text, out var problems) is { } taints)
        {
            return DrainTaintList.Format(taints);
        }

        errors.Add(bad(Annotations.DrainTaints, text, $"{string.Join("; ", problems)}; {DrainTaintList.AcceptedForm}"));
        return null;
    }

    private static int Port(V1Pod pod, IDictionary<string, string> annotations, InjectorOptions options, List<string> errors, Func<string, string, string, string> bad)
    {
        var used = PodPorts.InUse(pod.Spec);
        if (!annotations.TryGetValue(Annotations.Port, out var text))
        {
            return PodPorts.ChooseFree(options.Port, used);
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            errors.Add(bad(Annotations.Port, text, "expected a port number between 1 and 65535"));
            return 0;
        }

        if (used.Contains(port))
        {
            errors.Add(bad(Annotations.Port, text, "that port is already used by a container of the pod; choose a free port"));
        }

        return port;
    }
}
