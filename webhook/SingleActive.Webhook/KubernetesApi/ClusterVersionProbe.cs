using System.Globalization;
using k8s;
using Microsoft.Extensions.Options;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.KubernetesApi;

/// <summary>
/// Reads <c>/version</c> and the nodes' kubelet versions at start-up and then periodically, so decisions such as
/// native sidecars (1.29+ on the API server and on every node) follow upgrades. Null until known, or when there is
/// no API connection; a failed read keeps the last known value. The nodes are read first, so that once the server
/// version is known (what readiness waits for) the node versions have been tried too.
/// </summary>
public sealed partial class ClusterVersionProbe(
    ClusterConnection connection,
    IOptions<ClusterOptions> options,
    TimeProvider timeProvider,
    ILogger<ClusterVersionProbe> logger) : BackgroundService, IClusterVersion
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    /// <summary>Nodes per LIST page.</summary>
    public const int NodePageSize = 250;

    /// <summary>How long one pass over the nodes may take before the last known version stands.</summary>
    public static readonly TimeSpan NodeListTimeout = TimeSpan.FromSeconds(20);
    private volatile Version? version;
    private volatile Version? oldestKubelet;

    public Version? ServerVersion => this.version;

    public Version? OldestKubeletVersion => oldestKubelet;

    /// <summary>The oldest of the kubelet versions given (e.g. "v1.29.3-eks-1"); null when none parses.</summary>
    public static Version? Oldest(IEnumerable<string?> kubeletVersions)
    {
        ArgumentNullException.ThrowIfNull(kubeletVersions);
        Version? oldest = null;
        foreach (var text in kubeletVersions)
        {
            if (Parse(null, null, text) is { } version && (oldest is null || version < oldest))
            {
                oldest = version;
            }
        }

        return oldest;
    }

    /// <summary>"1", "20+" (GKE adds a plus) and "v1.20.2-gke.1" all parse to their numbers; anything else is null.</summary>
    public static Version? Parse(string? major, string? minor, string? gitVersion)
    {
        if (TryNumber(major, out var ma) && TryNumber(minor, out var mi))
        {
            var patch = 0;
            var parts = gitVersion?.TrimStart('v').Split('.', 3);
            if (parts is { Length: 3 } && parts[0] == ma.ToString(CultureInfo.InvariantCulture) && parts[1] == mi.ToString(CultureInfo.InvariantCulture))
            {
                _ = TryNumber(parts[2], out patch);
            }

            return new Version(ma, mi, patch);
        }

        var fromGit = gitVersion?.TrimStart('v').Split('.', 3);
        return fromGit is { Length: >= 2 } && TryNumber(fromGit[0], out var gma) && TryNumber(fromGit[1], out var gmi)
            ? new Version(gma, gmi, fromGit.Length == 3 && TryNumber(fromGit[2], out var gp) ? gp : 0)
            : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (connection.Client is not { } client)
        {
            LogNoConnection(logger, connection.Description);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // A zero or negative setting must not turn this into a busy loop against the API server.
            var next = options.Value.VersionRefreshInterval < MinimumInterval ? MinimumInterval : options.Value.VersionRefreshInterval;
            await ReadNodesAsync(client, stoppingToken).ConfigureAwait(false);
            try
            {
                var info = await client.Version.GetCodeAsync(stoppingToken).ConfigureAwait(false);
                var version = Parse(info.Major, info.Minor, info.GitVersion);
                if (version != this.version)
                {
                    LogVersion(logger, info.GitVersion, version?.ToString() ?? "unknown");
                }

                this.version = version;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e.Message);
                next = this.version is null ? RetryInterval : next;
            }

            try
            {
                await Task.Delay(next, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Pages through the nodes (<see cref="NodePageSize"/> at a time, so a cluster of thousands never sits in memory
    /// at once) keeping only the oldest kubelet version, within <see cref="NodeListTimeout"/>.
    /// </summary>
    private async Task ReadNodesAsync(IKubernetes client, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(NodeListTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            Version? oldest = null;
            var count = 0;
            string? next = null;
            do
            {
                var page = await client.CoreV1.ListNodeAsync(limit: NodePageSize, continueParameter: next, cancellationToken: linked.Token).ConfigureAwait(false);
                count += page.Items.Count;
                if (Oldest(page.Items.Select(n => n.Status?.NodeInfo?.KubeletVersion)) is { } pageOldest && (oldest is null || pageOldest < oldest))
                {
                    oldest = pageOldest;
                }

                next = page.Metadata?.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(next));

            if (oldest != oldestKubelet)
            {
                LogKubelets(logger, count, oldest?.ToString() ?? "unknown");
            }

            oldestKubelet = oldest;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogNodesFailed(logger, e.Message);
        }
    }

    private static bool TryNumber(string? text, out int value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        return digits > 0 && int.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    [LoggerMessage(EventId = EventIds.ApiServerVersion, Level = LogLevel.Information, Message = "Kubernetes API server version {GitVersion} ({Version})")]
    private static partial void LogVersion(ILogger logger, string? gitVersion, string version);

    [LoggerMessage(EventId = EventIds.ApiServerVersionFailed, Level = LogLevel.Warning, Message = "Cannot read the Kubernetes API server version: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.KubeletVersions, Level = LogLevel.Information, Message = "Kubernetes nodes: {Count}, oldest kubelet {Version}")]
    private static partial void LogKubelets(ILogger logger, int count, string version);

    [LoggerMessage(EventId = EventIds.KubeletVersionsFailed, Level = LogLevel.Warning, Message = "Cannot list the nodes' kubelet versions (native sidecars are then not chosen by auto): {Reason}")]
    private static partial void LogNodesFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.ApiServerVersionUnknown, Level = LogLevel.Information, Message = "Kubernetes API server version unknown: {Reason}")]
    private static partial void LogNoConnection(ILogger logger, string reason);
}
