using Microsoft.Extensions.Options;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Start-up check of <see cref="InjectorOptions"/>: every failure names the setting (as its
/// configuration key) and the value. Hand-written rather than DataAnnotations, which need reflection
/// that NativeAOT trims away.
/// </summary>
public sealed class InjectorOptionsValidator : IValidateOptions<InjectorOptions>
{
    private const string P = InjectorOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, InjectorOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <param name="options">The options to check.</param>
    /// <param name="nameOf">How a message names a setting, from its property name (default <c>Injector:Name</c>; inject names its flags).</param>
    public static IReadOnlyList<string> Check(InjectorOptions options, Func<string, string>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = nameOf ?? (key => P + key);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Image))
        {
            errors.Add($"{name(nameof(InjectorOptions.Image))} must not be empty (it is the elector's image; env {InjectorOptions.ImageEnvironmentVariable} sets the default)");
        }

        if (options.ImagePullPolicy is { } policy && policy is not ("Always" or "IfNotPresent" or "Never"))
        {
            errors.Add($"{P}ImagePullPolicy is \"{policy}\"; accepted values are Always, IfNotPresent, Never (or leave it unset)");
        }

        foreach (var secret in options.ImagePullSecrets.Where(s => !KubernetesNames.IsDnsSubdomain(s)))
        {
            errors.Add($"{name(nameof(InjectorOptions.ImagePullSecrets))} has \"{secret}\", which is not a valid Secret name (lowercase DNS subdomain)");
        }

        if (options.Command.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{P}Command must not contain empty entries");
        }

        if (!Enum.IsDefined(options.SidecarMode))
        {
            errors.Add($"{name(nameof(InjectorOptions.SidecarMode))} is {options.SidecarMode}; accepted values are auto, native, container");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add($"{name(nameof(InjectorOptions.Mode))} is {options.Mode}; accepted values are readiness, label");
        }

        if (!KubernetesNames.IsDnsSubdomain(options.ServiceAccountName))
        {
            errors.Add($"{name(nameof(InjectorOptions.ServiceAccountName))} \"{options.ServiceAccountName}\" is not a valid ServiceAccount name (lowercase DNS subdomain)");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"{P}Port is {options.Port}; it must be between 1 and 65535");
        }

        if (options.TokenExpirationSeconds < 600)
        {
            errors.Add($"{P}TokenExpirationSeconds is {options.TokenExpirationSeconds}; the API server requires at least 600");
        }

        if (options.RunAsUser is <= 0)
        {
            errors.Add($"{P}RunAsUser is {options.RunAsUser}; it must be a non-root uid (1 or more), or unset to use the image's user");
        }

        if (options.RunAsGroup is < 0)
        {
            errors.Add($"{P}RunAsGroup is {options.RunAsGroup}; it must be 0 or more, or unset to use the image's group");
        }

        CheckTimings(options, errors);
        CheckQuantity("CpuRequest", options.CpuRequest, errors);
        CheckQuantity("MemoryRequest", options.MemoryRequest, errors);
        CheckQuantity("MemoryLimit", options.MemoryLimit, errors);
        if (ElectorResources.IsBelowLowestSafe(options.MemoryLimit))
        {
            errors.Add($"{P}MemoryLimit is {options.MemoryLimit}; it must be at least {ElectorResources.LowestSafeMemoryLimit}: the elector uses about 20 MiB " +
                "at rest and more while it reconnects, and under a lower limit every elector would be OOM-killed again and again");
        }

        CheckQuantity("CpuLimit", options.CpuLimit, errors);
        return errors;
    }

    private static void CheckTimings(InjectorOptions options, List<string> errors)
    {
        var parsed = true;
        foreach (var (key, text) in new[] { ("LeaseDuration", options.LeaseDuration), ("RenewDeadline", options.RenewDeadline), ("RetryPeriod", options.RetryPeriod) })
        {
            if (!Duration.TryParse(text, out _))
            {
                errors.Add($"{P}{key} is \"{text}\"; expected a duration such as 15s, 1500ms or 1m30s");
                parsed = false;
            }
        }

        if (!ReadinessProbeTimings.IsPeriod(TimeSpan.FromSeconds(Math.Max(options.ProbePeriodSeconds, 0))))
        {
            errors.Add($"{P}ProbePeriodSeconds is {options.ProbePeriodSeconds}; it must be from 1 to {ReadinessProbeTimings.MaxPeriodSeconds}");
            parsed = false;
        }

        if (parsed)
        {
            errors.AddRange(options.Timings.Validate(options.ProbeTimings).Select(e => $"{P}LeaseDuration/RenewDeadline/RetryPeriod/ProbePeriodSeconds: {e}"));
        }
    }

    private static void CheckQuantity(string key, string? text, List<string> errors)
    {
        if (text is null)
        {
            return;
        }

        if (!ResourceQuantities.TryParse(text, out _))
        {
            errors.Add($"{P}{key} is \"{text}\"; expected a Kubernetes quantity such as 10m, 24Mi or 0.5");
        }
    }
}
