namespace SingleActive.Contract;

/// <summary>How the <see cref="Annotations.Paused"/> annotation on a Lease is read, by the electors and the kubectl plugin alike.</summary>
public static class FailoverPause
{
    /// <summary>What the plugin writes.</summary>
    public const string Value = "true";

    /// <summary>
    /// Present with any value but <c>"false"</c> (any case, surrounding space ignored). A mistyped value pauses rather
    /// than not: whoever wrote the annotation meant to freeze failover, and a frozen failover is visible (metric, Events,
    /// <c>kubectl single-active status</c>) while a silently ignored one is not.
    /// </summary>
    public static bool IsPaused(string? value) =>
        value is not null && !string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase);
}
