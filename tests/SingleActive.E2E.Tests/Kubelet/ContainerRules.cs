using System.Text.Json;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// The kubelet's rules the process kubelet applies to a container: which init containers are native
/// sidecars, which containers can run as real processes here, and which exits are restarted.
/// </summary>
internal static class ContainerRules
{
    public const string RestartAlways = "Always";
    public const string RestartOnFailure = "OnFailure";
    public const string RestartNever = "Never";

    /// <summary>
    /// An init container that runs alongside the app containers. <c>restartPolicy: Always</c> says so on
    /// 1.28+; a 1.20 API server drops that field (unknown then), so for the elector the webhook's own
    /// record of what it injected (<c>single-active.io/status</c>, <c>"sidecar":"native"</c>) decides.
    /// </summary>
    public static bool IsNativeSidecar(V1Pod pod, V1Container init) =>
        init.RestartPolicy == RestartAlways || (init.Name == ElectorHttp.ContainerName && StatusSaysNative(pod));

    /// <summary>
    /// The host executable an app container runs as a real process: <c>command[0]</c>, when it is an
    /// absolute path to an executable file on this machine (<c>/bin/sh</c>); null for a simulated container.
    /// </summary>
    public static string? HostExecutable(V1Container container)
    {
        if (container.Name == ElectorHttp.ContainerName || container.Command is not [var first, ..] || !Path.IsPathFullyQualified(first))
        {
            return null;
        }

        var info = new FileInfo(first);
        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return info.Exists && (info.UnixFileMode & AnyExecute) != 0 ? first : null;
    }

    /// <summary>Whether a container that exited with <paramref name="exitCode"/> is started again: native sidecars always, others by the pod's restartPolicy.</summary>
    public static bool ShouldRestart(string? podRestartPolicy, bool nativeSidecar, int exitCode) =>
        nativeSidecar || (podRestartPolicy ?? RestartAlways) switch
        {
            RestartNever => false,
            RestartOnFailure => exitCode != 0,
            _ => true,
        };

    private static bool StatusSaysNative(V1Pod pod)
    {
        if (pod.Metadata?.Annotations?.TryGetValue(Annotations.Status, out var json) != true || string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            using var status = JsonDocument.Parse(json);
            return status.RootElement.ValueKind == JsonValueKind.Object
                && status.RootElement.TryGetProperty("sidecar", out var sidecar)
                && sidecar.ValueKind == JsonValueKind.String
                && sidecar.GetString() == "native";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
