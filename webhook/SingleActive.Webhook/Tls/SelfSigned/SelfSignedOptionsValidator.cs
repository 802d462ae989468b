using Microsoft.Extensions.Options;
using SingleActive.Contract;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>Start-up validation: names must be valid object names, and the timings must let renewal finish before expiry.</summary>
public sealed class SelfSignedOptionsValidator : IValidateOptions<SelfSignedOptions>
{
    public ValidateOptionsResult Validate(string? name, SelfSignedOptions options)
    {
        var failures = new List<string>();
        CheckName(failures, "--self-signed-secret (SelfSigned:SecretName)", options.SecretName);
        CheckName(failures, "--webhook-config (SelfSigned:WebhookConfiguration)", options.WebhookConfiguration);
        CheckName(failures, "--service (SelfSigned:Service)", options.Service, label: true);
        CheckName(failures, "--namespace (SelfSigned:Namespace, default env POD_NAMESPACE)", options.Namespace, label: true);
        CheckName(failures, "SelfSigned:LeaseName", options.LeaseName);
        if (string.IsNullOrWhiteSpace(options.Identity))
        {
            failures.Add("SelfSigned:Identity (default env POD_NAME) is empty");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"SelfSigned:PollInterval must be between 100ms and 5m, got {options.PollInterval}");
        }

        // The writer renews its Lease once per poll: two missed polls must not lose it.
        if (options.LeaseDuration < 3 * options.PollInterval)
        {
            failures.Add($"SelfSigned:LeaseDuration ({options.LeaseDuration}) must be at least 3 x SelfSigned:PollInterval ({options.PollInterval})");
        }

        // Renewal starts at 2/3 of the lifetime; the last third must leave every replica several polls
        // to pick the new certificate up before the old one expires.
        CheckValidity(failures, "SelfSigned:CertificateValidity", options.CertificateValidity, options.PollInterval);
        CheckValidity(failures, "SelfSigned:CaValidity", options.CaValidity, options.PollInterval);
        if (options.CertificateValidity > options.CaValidity)
        {
            failures.Add($"SelfSigned:CertificateValidity ({options.CertificateValidity}) must not exceed SelfSigned:CaValidity ({options.CaValidity})");
        }

        if (options.StartupTimeout <= TimeSpan.Zero)
        {
            failures.Add($"SelfSigned:StartupTimeout must be positive, got {options.StartupTimeout}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckValidity(List<string> failures, string setting, TimeSpan validity, TimeSpan poll)
    {
        if (validity * (1 - SelfSignedOptions.RenewAtFraction) < 5 * poll)
        {
            failures.Add($"{setting} ({validity}) is too short: its last third must cover at least 5 polls of SelfSigned:PollInterval ({poll})");
        }
    }

    private static void CheckName(List<string> failures, string setting, string? value, bool label = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{setting} is required in self-signed mode");
        }
        else if (!(label ? KubernetesNames.IsDnsLabel(value) : KubernetesNames.IsDnsSubdomain(value)))
        {
            failures.Add($"{setting} \"{value}\" is not a valid Kubernetes name ({(label ? "DNS-1123 label" : "DNS-1123 subdomain")})");
        }
    }
}
