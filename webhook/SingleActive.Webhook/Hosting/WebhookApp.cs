using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SingleActive.Core.Kubeconfig;
using SingleActive.Core.Logging;
using SingleActive.Core.Metrics;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Metrics;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Serving;
using SingleActive.Webhook.Tls;
using SingleActive.Webhook.Tls.SelfSigned;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Hosting;

/// <summary>
/// Builds the webhook server: configuration from flags, environment and appsettings; typed options validated
/// at start-up; HTTPS-only Kestrel serving <see cref="IServingCertificateSource"/>; the endpoints.
/// Tests build it the same way and replace services through <c>overrideServices</c>.
/// </summary>
public static class WebhookApp
{
    public const string MutatePath = "/mutate";

    /// <summary>Builds (does not start) the app. <paramref name="overrideServices"/> runs after every default registration.</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = HostDefaults.Configuration });
        builder.Configuration.AddCommandLine(args, ServerCommandLine.SwitchMappings.ToDictionary());
        DurationSettings.Normalize(builder.Configuration);

        // The elector's log format (docs/logging.md), on stdout as the console logger wrote.
        builder.Logging.ClearProviders().AddProvider(new JsonLineLoggerProvider(Console.Out, TimeProvider.System));

        // Self-signed in-cluster mode (deploy hook): certificates from a Secret, so no local certificate.
        var selfSigned = SelfSignedServiceCollectionExtensions.IsEnabled(builder.Configuration);
        var local = selfSigned ? null : LocalModeSetup.Apply(builder.Configuration, TimeProvider.System);
        AddServerServices(builder.Services, builder.Configuration);
        builder.Services.AddSelfSignedCertificates(builder.Configuration);
        ConfigureKestrel(builder.WebHost);
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        var endpoint = app.Services.GetRequiredService<AdmissionEndpoint>();
        app.MapPost(MutatePath, (RequestDelegate)endpoint.HandleAsync);
        app.MapOperationalEndpoints();
        HostLog.StartupNotes(app, local);
        return app;
    }

    /// <summary>Runs until SIGTERM/SIGINT. A start-up failure (bad flag, unreadable certificate) is printed and exits 1.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (ServerCommandLine.FindProblem(args) is { } problem)
        {
            await Console.Error.WriteLineAsync($"single-active-webhook: {problem}\n\n{ServerCommandLine.Usage}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            var app = Build(args);
            await using (app.ConfigureAwait(false))
            {
                await app.RunAsync().ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception e) when (StartupFailure.Describe(e) is { } message)
        {
            await Console.Error.WriteLineAsync($"single-active-webhook: cannot start: {message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static void AddServerServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<ServerOptions>().Bind(configuration.GetSection(ServerOptions.SectionName), SettingsBinding.UnknownKeysFail).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddOptions<TlsOptions>().Bind(configuration.GetSection(TlsOptions.SectionName), SettingsBinding.UnknownKeysFail).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.SectionName), SettingsBinding.UnknownKeysFail).ValidateOnStart();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.SectionName), SettingsBinding.UnknownKeysFail).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProvisioningOptions>, ProvisioningOptionsValidator>();
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) =>
            host.ShutdownTimeout = server.Value.ShutdownTimeout + server.Value.ShutdownDelay);

        services.AddSingleton<MetricsRegistry>();
        services.AddSingleton<WebhookMetrics>();

        services.AddSingleton<FileCertificateSource>();
        services.AddSingleton<IServingCertificateSource>(sp => sp.GetRequiredService<FileCertificateSource>());
        services.AddSingleton<ServerAuthenticationOptionsCache>();

        // A server never reads ~/.kube/config: started from a shell, it would provision in the shell's current cluster.
        services.AddSingleton(sp => ClusterConnection.Create(
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.Kubeconfig, Environment.GetEnvironmentVariable, home: KubeconfigFiles.HomeConfig.Ignore));
        services.AddSingleton<ClusterVersionProbe>();
        services.AddSingleton<IClusterVersion>(sp => sp.GetRequiredService<ClusterVersionProbe>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterVersionProbe>());
        services.AddSingleton<IServiceAccountProvisioner, KubernetesServiceAccountProvisioner>();
        services.AddSingleton<IServiceAccountLookup, KubernetesServiceAccountLookup>();

        services.AddSingleton<ReadinessState>();
        services.AddHostedService<ShutdownCoordinator>();
        services.AddSingleton<AdmissionEndpoint>();

        services.AddSingleActiveInjection(configuration);
        services.AddSingleActiveWorkloads();
        // Only if neither extension registered one: unknown kinds are then allowed untouched.
        services.TryAddSingleton<IAdmissionHandler, AdmissionDispatcher>();
    }

    private static void ConfigureKestrel(IWebHostBuilder webHost) => webHost.ConfigureKestrel(kestrel =>
    {
        var services = kestrel.ApplicationServices;
        var server = services.GetRequiredService<IOptions<ServerOptions>>().Value;
        var tls = services.GetRequiredService<ServerAuthenticationOptionsCache>();
        _ = tls.Get(); // load the certificate now, not on the first handshake

        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = server.MaxRequestBodyBytes;
        var callback = new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(tls.Get()),
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        };
        void Https(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(callback);
        }

        if (string.IsNullOrEmpty(server.Bind) || server.Bind == "*")
        {
            kestrel.ListenAnyIP(server.Port, Https);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(server.Bind), server.Port, Https);
        }
    });
}
