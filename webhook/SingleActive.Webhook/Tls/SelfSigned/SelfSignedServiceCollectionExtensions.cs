using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Hosting;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>Turns the self-signed mode on when <c>--self-signed-secret</c> is given.</summary>
public static class SelfSignedServiceCollectionExtensions
{
    /// <summary>The mode's flags, merged into the server's switch mappings.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--self-signed-secret"] = SelfSignedOptions.SectionName + ":" + nameof(SelfSignedOptions.SecretName),
        ["--webhook-config"] = SelfSignedOptions.SectionName + ":" + nameof(SelfSignedOptions.WebhookConfiguration),
        ["--service"] = SelfSignedOptions.SectionName + ":" + nameof(SelfSignedOptions.Service),
        ["--namespace"] = SelfSignedOptions.SectionName + ":" + nameof(SelfSignedOptions.Namespace),
    };

    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[SelfSignedOptions.SectionName + ":" + nameof(SelfSignedOptions.SecretName)]);

    /// <summary>
    /// Registers the mode when it is enabled (else does nothing): the Secret-backed certificate source
    /// replaces the file-based one and its file validation, and the manager runs as a hosted service.
    /// </summary>
    public static IServiceCollection AddSelfSignedCertificates(this IServiceCollection services, IConfiguration configuration, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!IsEnabled(configuration))
        {
            // --webhook-config, --service, --namespace or any SelfSigned:* key without the mode would be dropped without a word.
            if (configuration.GetSection(SelfSignedOptions.SectionName).GetChildren().Select(c => c.Path).ToList() is { Count: > 0 } given)
            {
                throw new InvalidOperationException(
                    $"settings of the self-signed mode are given ({string.Join(", ", given)}), but the mode is off: " +
                    "add --self-signed-secret NAME to turn it on, or remove them");
            }

            return services;
        }

        environment ??= Environment.GetEnvironmentVariable;
        services.AddOptions<SelfSignedOptions>()
            .Bind(configuration.GetSection(SelfSignedOptions.SectionName), SettingsBinding.UnknownKeysFail)
            .PostConfigure(o =>
            {
                o.Namespace = string.IsNullOrWhiteSpace(o.Namespace) ? environment("POD_NAMESPACE") : o.Namespace;
                o.Identity = string.IsNullOrWhiteSpace(o.Identity)
                    ? environment("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}-{Environment.ProcessId}"
                    : o.Identity;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SelfSignedOptions>, SelfSignedOptionsValidator>();

        // No certificate files in this mode: their source and validation must not run.
        services.RemoveAll<IValidateOptions<TlsOptions>>();
        services.RemoveAll<FileCertificateSource>();
        services.AddSingleton<SelfSignedCertificateManager>();
        services.AddHostedService(sp => sp.GetRequiredService<SelfSignedCertificateManager>());
        // Kestrel reads the certificate while it is configured, before hosted services start: the first
        // certificate is awaited right here (bounded by SelfSigned:StartupTimeout).
        services.Replace(ServiceDescriptor.Singleton<IServingCertificateSource>(sp =>
        {
            var manager = sp.GetRequiredService<SelfSignedCertificateManager>();
            manager.InitializeAsync().GetAwaiter().GetResult();
            return manager.Source;
        }));
        return services;
    }
}
