using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Admission;

/// <summary>
/// A handler's answer, the one type from decide and render through the dispatcher to the response writer (as
/// KubeOps' <c>MutationResult</c>): allowed with an RFC 6902 patch or none, denied with a message that names the
/// problem and the fix, or skipped with the reason; with the warnings the client is shown.
/// <see cref="Decision"/> is a short stable label for metrics and logs (see <see cref="Decisions"/>).
/// </summary>
public sealed record MutationResult
{
    private MutationResult(bool allowed, string decision, string? message, byte[]? patch, IReadOnlyList<string>? warnings, InjectedPod? injected)
    {
        Allowed = allowed;
        Decision = decision;
        Message = message;
        Patch = patch;
        Warnings = warnings is { Count: > 0 } ? warnings : null;
        Injected = injected;
    }

    public bool Allowed { get; }

    public string Decision { get; }

    /// <summary>Denied: what is wrong and how to fix it (the client's <c>status.message</c>). Skipped: why, for the log only.</summary>
    public string? Message { get; }

    /// <summary>An RFC 6902 JSON array in UTF-8, or null.</summary>
    public byte[]? Patch { get; }

    /// <summary>What the client is told; null when nothing.</summary>
    public IReadOnlyList<string>? Warnings { get; }

    /// <summary>Set when a pod was injected: the mutated pod and the ServiceAccount it needs (<see cref="Patch"/> makes the same change).</summary>
    public InjectedPod? Injected { get; }

    /// <summary>Allowed under <paramref name="decision"/> (a workload changed, an object left as it is, ...).</summary>
    public static MutationResult Allow(string decision, byte[]? patch = null, IReadOnlyList<string>? warnings = null) =>
        new(true, decision, null, patch, warnings, null);

    /// <summary>
    /// Not injected, and allowed unchanged: not opted in, or a pod that must never be patched (a mirror pod);
    /// <paramref name="warning"/>, when set, is returned to the client.
    /// </summary>
    public static MutationResult Skip(string? reason = null, string? warning = null) =>
        new(true, Decisions.Skipped, reason, null, warning is null ? null : [warning], null);

    /// <summary>Our status annotation is present: re-invocation is a no-op.</summary>
    public static MutationResult AlreadyInjected { get; } = new(true, Decisions.AlreadyInjected, null, null, null, null);

    /// <summary><see cref="AlreadyInjected"/>, telling the client about annotations that have no effect on it.</summary>
    public static MutationResult AlreadyInjectedWith(IReadOnlyList<string> warnings) =>
        warnings.Count == 0 ? AlreadyInjected : new(true, Decisions.AlreadyInjected, null, null, warnings, null);

    /// <summary><paramref name="patch"/> turns the pod as it was read into <paramref name="injected"/>'s pod.</summary>
    public static MutationResult Inject(InjectedPod injected, byte[] patch, IReadOnlyList<string> warnings) =>
        new(true, Decisions.Injected, null, patch, warnings, injected);

    /// <summary>Refused; <paramref name="message"/> names the problem and how to fix it.</summary>
    public static MutationResult Deny(string message) => new(false, Decisions.Denied, message, null, null, null);

    /// <summary>Refused because the handler failed (HTTP 500 in <c>status.code</c>): the object is never admitted unchecked.</summary>
    public static MutationResult Fail(string message) => new(false, Decisions.Error, message, null, null, null);
}
