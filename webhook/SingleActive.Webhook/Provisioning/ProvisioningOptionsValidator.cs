using Microsoft.Extensions.Options;

namespace SingleActive.Webhook.Provisioning;

public sealed class ProvisioningOptionsValidator : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions options)
    {
        var failures = new List<string>();
        if (options.CacheTtl < TimeSpan.Zero)
        {
            failures.Add($"Provisioning:CacheTtl must not be negative, got {options.CacheTtl}");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"Provisioning:Timeout must be above 0 and at most 30s (the API server's longest webhook timeout), got {options.Timeout}");
        }

        if (options.TokenSecretWait < TimeSpan.Zero || options.TokenSecretWait >= options.Timeout)
        {
            failures.Add($"Provisioning:TokenSecretWait must be at least 0 and below Provisioning:Timeout ({options.Timeout}), got {options.TokenSecretWait}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
