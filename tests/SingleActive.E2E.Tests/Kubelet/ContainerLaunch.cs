using k8s.Models;
using SingleActive.E2E.Tests.Kubelet.Network;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// How a container process is started, as a runtime would: inside its pod's network namespace, in a
/// mount namespace of its own (<c>ip netns exec</c> makes one) where each volumeMount is bind-mounted
/// (read-only if so declared), then exec'd, so the pid is the container's own. Mount points are created
/// only below /run (a tmpfs; e.g. the service-account directory); a mount whose target does not exist
/// elsewhere on this machine is skipped and logged.
/// </summary>
internal sealed record ContainerLaunch(string Binary, IReadOnlyList<string> Arguments)
{
    public static ContainerLaunch InSandbox(PodSandbox sandbox, V1Container container, IReadOnlyDictionary<string, string> volumes, string binary, Action<string> log)
    {
        var script = new List<string> { "set -e" };
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(mount.Name, out var source))
            {
                log($"{container.Name}: volumeMount {mount.Name} names no volume; skipped");
                continue;
            }

            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                source = Path.Combine(source, mount.SubPath);
            }

            var target = mount.MountPath;
            var creatable = target.StartsWith("/run/", StringComparison.Ordinal) || target.StartsWith("/var/run/", StringComparison.Ordinal);
            if (!creatable && !Directory.Exists(target) && !File.Exists(target))
            {
                log($"{container.Name}: mount point {target} does not exist on this machine; volume {mount.Name} not mounted");
                continue;
            }

            if (creatable)
            {
                script.Add($"mkdir -p {Quote(target)}");
            }

            script.Add($"mount --bind {Quote(source)} {Quote(target)}");
            if (mount.ReadOnlyProperty == true)
            {
                script.Add($"mount -o remount,bind,ro {Quote(target)}");
            }
        }

        script.Add("exec \"$0\" \"$@\"");
        return new ContainerLaunch(sandbox.Namespace.ExecPrefix[0], [.. sandbox.Namespace.ExecPrefix.Skip(1), "/bin/sh", "-c", string.Join('\n', script), binary]);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
