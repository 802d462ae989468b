using System.Globalization;
using k8s;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// The elector process's environment: the container's own env as a kubelet resolves it, with the
/// few rewrites a process on a shared host needs — its port mapped to a free loopback port, bound to
/// 127.0.0.1, API credentials of the pod's final ServiceAccount, and the app probe (or a legacy app-health
/// URL) pointed at the app container's stand-in endpoint on loopback instead of the pod IP. (Pods get their own
/// network namespace only with the stricter stand-in of the real-node work; until then these rewrites remain.)
/// </summary>
internal static class ElectorEnvironment
{
    public static async Task<Dictionary<string, string>> ResolveAsync(
        IKubernetes client,
        V1Pod pod,
        PodContainer elector,
        string podIp,
        string kubeconfig,
        string home,
        IReadOnlyList<PodContainer> containers,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        var environment = await ContainerEnvironment.ResolveAsync(client, pod, elector.Spec, podIp, cancellationToken);
        environment[ElectorEnv.Port] = elector.PortMap.Values.Single().ToString(CultureInfo.InvariantCulture);
        environment[ElectorEnv.Bind] = "127.0.0.1";
        environment["KUBECONFIG"] = kubeconfig;
        environment["HOME"] = home;
        if (environment.TryGetValue(ElectorEnv.AppHealthUrl, out var url) && Uri.TryCreate(url, UriKind.Absolute, out var health))
        {
            var target = containers.FirstOrDefault(c => !c.IsElector && c.PortMap.ContainsKey(health.Port));
            if (target is null)
            {
                log($"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}: {ElectorEnv.AppHealthUrl}={url} names no app container port");
            }
            else
            {
                environment[ElectorEnv.AppHealthUrl] = new UriBuilder(health) { Host = "127.0.0.1", Port = target.PortMap[health.Port] }.Uri.ToString();
            }
        }

        if (environment.TryGetValue(ElectorEnv.AppProbe, out var probeJson) && AppProbeSpec.Parse(probeJson, out _) is { } probe)
        {
            var target = containers.FirstOrDefault(c => !c.IsElector && c.PortMap.ContainsKey(probe.Port));
            if (target is null)
            {
                log($"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}: {ElectorEnv.AppProbe} port {probe.Port} names no app container port");
            }
            else
            {
                environment[ElectorEnv.AppProbe] = (probe with { Host = "127.0.0.1", Port = target.PortMap[probe.Port] }).ToJson();
            }
        }

        return environment;
    }

    /// <summary>The port the webhook rendered for the elector (its env, else its named container port).</summary>
    public static int ContainerPort(V1Container elector)
    {
        var fromEnv = elector.Env?.FirstOrDefault(e => e.Name == ElectorEnv.Port)?.Value;
        if (int.TryParse(fromEnv, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port;
        }

        return elector.Ports?.FirstOrDefault(p => p.Name == ElectorHttp.PortName)?.ContainerPort ?? ElectorHttp.DefaultPort;
    }
}
