using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Logging;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Hosting;

/// <summary>What an operator needs to see once at start-up: where it listens, which CA to trust, which API it talks to.</summary>
public static partial class HostLog
{
    public static void StartupNotes(WebApplication app, LocalCertificates? local)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SingleActive.Webhook.Hosting");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            LogListening(logger, string.Join(", ", addresses));
            if (local is not null)
            {
                LogLocalCertificate(logger, local.Action.ToString().ToLowerInvariant(), local.CaFile, local.Directory);
            }

            var cluster = app.Services.GetRequiredService<ClusterConnection>();
            if (cluster.Client is null)
            {
                LogNoCluster(logger, cluster.Description);
            }
            else
            {
                LogCluster(logger, cluster.Description);
            }
        });
    }

    [LoggerMessage(EventId = EventIds.Listening, Level = LogLevel.Information, Message = "single-active webhook serving HTTPS on {Addresses} (POST /mutate, GET /healthz /readyz /metrics)")]
    private static partial void LogListening(ILogger logger, string addresses);

    [LoggerMessage(EventId = EventIds.LocalCertificate, Level = LogLevel.Information, Message = "No certificate flags: local self-signed certificate {Action}; trust the CA at {CaFile} (e.g. curl --cacert it); files in {Directory}")]
    private static partial void LogLocalCertificate(ILogger logger, string action, string caFile, string directory);

    [LoggerMessage(EventId = EventIds.NoKubernetesApi, Level = LogLevel.Warning, Message = "Kubernetes API: {Description}; opted-in pods will be denied because their ServiceAccount cannot be provisioned")]
    private static partial void LogNoCluster(ILogger logger, string description);

    [LoggerMessage(EventId = EventIds.KubernetesApi, Level = LogLevel.Information, Message = "Kubernetes API: {Description}")]
    private static partial void LogCluster(ILogger logger, string description);
}
