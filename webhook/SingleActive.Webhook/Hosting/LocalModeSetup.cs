using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Hosting;

/// <summary>
/// Decides between the two ways to run: certificate files given (a cluster; listen on every interface),
/// or none (a developer's machine; generate or reuse a local CA and listen on 127.0.0.1 only).
/// </summary>
public static class LocalModeSetup
{
    public const string LocalBind = "127.0.0.1";
    public const string ClusterBind = "*";

    /// <summary>Adds the derived settings to <paramref name="configuration"/>; returns the local certificates when in local mode.</summary>
    public static LocalCertificates? Apply(IConfigurationManager configuration, TimeProvider timeProvider)
    {
        var defaults = new Dictionary<string, string?>();
        LocalCertificates? local = null;
        var certFile = configuration["Tls:CertFile"];
        var keyFile = configuration["Tls:KeyFile"];
        if (string.IsNullOrWhiteSpace(certFile) && string.IsNullOrWhiteSpace(keyFile))
        {
            var directory = configuration["Tls:LocalDirectory"] is { Length: > 0 } configured
                ? configured
                : LocalCertificateStore.DefaultDirectory(Environment.GetEnvironmentVariable);
            try
            {
                local = LocalCertificateStore.Ensure(directory, timeProvider);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException(
                    $"no --tls-cert-file/--tls-private-key-file given and the local certificate cannot be written to \"{directory}\" " +
                    $"(choose another with --local-tls-dir): {e.Message}", e);
            }

            defaults["Tls:CertFile"] = local.CertFile;
            defaults["Tls:KeyFile"] = local.KeyFile;
            defaults["Tls:LocalCaFile"] = local.CaFile;
        }

        if (string.IsNullOrWhiteSpace(configuration["Server:Bind"]))
        {
            defaults["Server:Bind"] = local is null ? ClusterBind : LocalBind;
        }

        configuration.AddInMemoryCollection(defaults);
        return local;
    }
}
