using Microsoft.Extensions.Logging;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.Injection;

/// <summary>Pod injection log events (ids 300–399).</summary>
internal static partial class PodInjectionLog
{
    // Debug: one line per injected pod is routine traffic, and formatting it costs on every admission;
    // denials and failures below stay at Information and above.
    [LoggerMessage(EventId = EventIds.PodInjected, Level = LogLevel.Debug, Message = "Injected pod {Pod}: lease {Lease}, sidecar {Sidecar}, mode {Mode}, service account {ServiceAccount}, port {Port}, dry run {DryRun}")]
    public static partial void Injected(ILogger logger, string pod, string lease, string sidecar, string mode, string serviceAccount, int port, bool dryRun);

    [LoggerMessage(EventId = EventIds.PodSkipped, Level = LogLevel.Debug, Message = "Skipped pod {Pod}: {Reason}")]
    public static partial void Skipped(ILogger logger, string pod, string reason);

    [LoggerMessage(EventId = EventIds.PodAlreadyInjected, Level = LogLevel.Debug, Message = "Pod {Pod} is already injected")]
    public static partial void AlreadyInjected(ILogger logger, string pod);

    [LoggerMessage(EventId = EventIds.PodDenied, Level = LogLevel.Information, Message = "Denied pod {Pod}: {Message}")]
    public static partial void Denied(ILogger logger, string pod, string message);

    [LoggerMessage(EventId = EventIds.PodProvisioningFailed, Level = LogLevel.Warning, Message = "Denied pod {Pod}: service account {ServiceAccount} could not be provisioned: {Message}")]
    public static partial void ProvisioningFailed(ILogger logger, string pod, string serviceAccount, string message);

    [LoggerMessage(EventId = EventIds.PodProvisioningError, Level = LogLevel.Error, Message = "Denied pod {Pod}: unexpected error while provisioning service account {ServiceAccount}")]
    public static partial void ProvisioningError(ILogger logger, Exception exception, string pod, string serviceAccount);

    [LoggerMessage(EventId = EventIds.PodInjectionError, Level = LogLevel.Error, Message = "Denied pod {Pod}: unexpected error while injecting")]
    public static partial void InjectionError(ILogger logger, Exception exception, string pod);

    // Debug: routine on every dry run before the account exists, and the answer already says it as a warning.
    [LoggerMessage(EventId = EventIds.PodDryRunKeepsAccount, Level = LogLevel.Debug, Message = "Dry run of pod {Pod} keeps its own service account: {ServiceAccount} is {Availability}")]
    public static partial void DryRunKeepsAccount(ILogger logger, string pod, string serviceAccount, string availability);

    // Information: a pod that opted in runs without the elector; the client gets the same text as a warning.
    [LoggerMessage(EventId = EventIds.PodAdmittedUnchanged, Level = LogLevel.Information, Message = "Admitted pod {Pod} unchanged: {Reason}")]
    public static partial void NotPatched(ILogger logger, string pod, string reason);

    [LoggerMessage(EventId = EventIds.PodUnreadable, Level = LogLevel.Information, Message = "Denied unreadable pod in namespace {Namespace}: {Message}")]
    public static partial void Unreadable(ILogger logger, string? @namespace, string message);
}
