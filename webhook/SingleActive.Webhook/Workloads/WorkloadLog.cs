using Microsoft.Extensions.Logging;
using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Workloads;

/// <summary>Workload admission log messages; event ids 600–699 are this folder's.</summary>
internal static partial class WorkloadLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} {Operation}: {Decision} ({WarningCount} warnings)")]
    public static partial void Admitted(ILogger logger, string kind, string? @namespace, string? name, string? operation, string decision, int warningCount);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} denied: {Reason}")]
    public static partial void Denied(ILogger logger, string kind, string? @namespace, string? name, string reason);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "PodDisruptionBudget check skipped for namespace {Namespace}: {Reason}")]
    public static partial void BudgetCheckSkipped(ILogger logger, string @namespace, string reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Cannot list PodDisruptionBudgets in namespace {Namespace}; the drain advice is skipped")]
    public static partial void BudgetLookupFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(EventId = 604, Level = LogLevel.Debug, Message = "{Kind} {Namespace}/{Name} is being deleted; allowed unchanged")]
    public static partial void BeingDeleted(ILogger logger, string? kind, string? @namespace, string? name);
}
