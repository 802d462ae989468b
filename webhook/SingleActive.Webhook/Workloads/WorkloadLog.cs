using Microsoft.Extensions.Logging;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.Workloads;

/// <summary>Workload admission log messages; event ids 600–699 are this folder's.</summary>
internal static partial class WorkloadLog
{
    [LoggerMessage(EventId = EventIds.WorkloadAdmitted, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} {Operation}: {Decision} ({WarningCount} warnings)")]
    public static partial void Admitted(ILogger logger, string kind, string? @namespace, string? name, string? operation, string decision, int warningCount);

    [LoggerMessage(EventId = EventIds.WorkloadDenied, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} denied: {Reason}")]
    public static partial void Denied(ILogger logger, string kind, string? @namespace, string? name, string reason);

    [LoggerMessage(EventId = EventIds.AdviceSkipped, Level = LogLevel.Debug, Message = "{What} not read for namespace {Namespace}, their advice is skipped: {Reason}")]
    public static partial void AdviceSkipped(ILogger logger, string what, string @namespace, string reason);

    [LoggerMessage(EventId = EventIds.AdviceLookupFailed, Level = LogLevel.Warning, Message = "Cannot list {What} in namespace {Namespace} ({Cause}); their advice is skipped. Said at most once every {Minutes} min for this cause")]
    public static partial void AdviceLookupFailed(ILogger logger, string what, string @namespace, string cause, double minutes, Exception exception);

    [LoggerMessage(EventId = EventIds.WorkloadBeingDeleted, Level = LogLevel.Debug, Message = "{Kind} {Namespace}/{Name} is being deleted; allowed unchanged")]
    public static partial void BeingDeleted(ILogger logger, string? kind, string? @namespace, string? name);

    [LoggerMessage(EventId = EventIds.WorkloadAdviceGiven, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} {Operation}: {WarningCount} warnings about single-active workloads")]
    public static partial void AdviceGiven(ILogger logger, string kind, string? @namespace, string? name, string? operation, int warningCount);

    [LoggerMessage(EventId = EventIds.WorkloadAdviceFailed, Level = LogLevel.Warning, Message = "{Kind} {Namespace}/{Name} admitted without advice: {Reason}")]
    public static partial void AdviceFailed(ILogger logger, string? kind, string? @namespace, string? name, string reason, Exception? exception);

    [LoggerMessage(EventId = EventIds.WorkloadAdviceBusy, Level = LogLevel.Debug, Message = "Advice skipped for a write in namespace {Namespace}: {MaxNamespaces} namespaces are being listed already")]
    public static partial void AdviceBusy(ILogger logger, string @namespace, int maxNamespaces);
}
