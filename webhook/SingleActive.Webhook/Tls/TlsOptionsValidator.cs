using Microsoft.Extensions.Options;

namespace SingleActive.Webhook.Tls;

/// <summary>
/// Start-up validation of <see cref="TlsOptions"/>: both files must be given, readable, and form a
/// certificate/key pair. A message names the flag and the file, so a bad mount is found from the log.
/// </summary>
public sealed class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.CertFile))
        {
            failures.Add("--tls-cert-file (Tls:CertFile) is required when --tls-private-key-file is given");
        }

        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            failures.Add("--tls-private-key-file (Tls:KeyFile) is required when --tls-cert-file is given");
        }

        if (options.ReloadInterval < TimeSpan.FromMilliseconds(100) || options.ReloadInterval > TimeSpan.FromSeconds(10))
        {
            failures.Add($"--cert-reload-interval (Tls:ReloadInterval) must be between 100ms and 10s so a new certificate is served within 10 s, got {options.ReloadInterval}");
        }

        if (failures.Count == 0)
        {
            try
            {
                using var pair = CertificateFiles.Load(options.CertFile!, options.KeyFile!);
            }
            catch (CertificateLoadException e)
            {
                failures.Add(e.Message);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
