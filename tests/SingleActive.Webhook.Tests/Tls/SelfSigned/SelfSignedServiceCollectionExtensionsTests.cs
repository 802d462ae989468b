using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Tls;
using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class SelfSignedServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSelfSignedCertificates_NoSecretFlag_RegistersNothing()
    {
        var services = new ServiceCollection();

        services.AddSelfSignedCertificates(new ConfigurationBuilder().Build());

        Assert.Empty(services);
    }

    [Fact]
    public void AddSelfSignedCertificates_Flags_BindOptionsWithPodDefaults()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(["--self-signed-secret", "tls", "--webhook-config", "hook", "--service", "svc"], ServerCommandLine.SwitchMappings.ToDictionary())
            .Build();
        var services = new ServiceCollection();

        services.AddSelfSignedCertificates(configuration, name => name switch { "POD_NAMESPACE" => "ns", "POD_NAME" => "pod-1", _ => null });
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SelfSignedOptions>>().Value;

        Assert.True(SelfSignedServiceCollectionExtensions.IsEnabled(configuration));
        Assert.Equal(("tls", "hook", "svc", "ns", "pod-1"), (options.SecretName, options.WebhookConfiguration, options.Service, options.Namespace, options.Identity));
        Assert.Contains(services, d => d.ServiceType == typeof(IServingCertificateSource));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IValidateOptions<TlsOptions>));
    }

    [Fact]
    public void CommandLine_SelfSignedFlags_AreKnown()
    {
        Assert.Null(ServerCommandLine.FindProblem(["--self-signed-secret", "tls", "--webhook-config=hook", "--service", "svc", "--namespace", "ns"]));
    }
}
