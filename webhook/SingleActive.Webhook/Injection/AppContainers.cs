using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Which of a pod's containers is the app, whose readinessProbe leadership follows. Kubernetes' own convention
/// comes first: the <c>kubectl.kubernetes.io/default-container</c> annotation (what <c>kubectl logs</c> and
/// <c>exec</c> use; Istio and Linkerd set it when they inject). Otherwise the first container that is not one
/// of the sidecars other injectors are known to add (they usually put theirs first), and failing that the first.
/// </summary>
public static class AppContainers
{
    public const string DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container";

    /// <summary>Container names that well-known injectors give their sidecars; never taken for the app.</summary>
    public static readonly IReadOnlySet<string> KnownSidecars = new HashSet<string>(StringComparer.Ordinal)
    {
        "istio-proxy",                    // Istio
        "linkerd-proxy",                  // Linkerd
        "vault-agent",                    // HashiCorp Vault agent injector
        "consul-dataplane",               // Consul (1.14+)
        "envoy-sidecar",                  // Consul (before 1.14)
        "consul-connect-envoy-sidecar",   // Consul (older)
        "daprd",                          // Dapr
        "cloud-sql-proxy",                // Cloud SQL Auth Proxy (GKE)
        "kuma-sidecar",                   // Kuma / Kong Mesh
        "otc-container",                  // OpenTelemetry operator's collector sidecar
    };

    /// <returns>The app's index in <paramref name="containers"/>, or -1 when there are none.</returns>
    /// <param name="warning">Set when the annotation names a container the pod does not have.</param>
    public static int Choose(IList<V1Container>? containers, IDictionary<string, string>? annotations, out string? warning)
    {
        warning = null;
        if (containers is not { Count: > 0 })
        {
            return -1;
        }

        if (annotations?.TryGetValue(DefaultContainerAnnotation, out var named) == true && !string.IsNullOrEmpty(named))
        {
            for (var i = 0; i < containers.Count; i++)
            {
                if (containers[i].Name == named)
                {
                    return i;
                }
            }

            var chosen = FirstNotKnownSidecar(containers);
            warning = $"single-active: the annotation \"{DefaultContainerAnnotation}\" names container \"{named}\", which the pod does not have; " +
                $"container \"{containers[chosen].Name}\" is taken for the app (leadership follows its readinessProbe)";
            return chosen;
        }

        return FirstNotKnownSidecar(containers);
    }

    private static int FirstNotKnownSidecar(IList<V1Container> containers)
    {
        for (var i = 0; i < containers.Count; i++)
        {
            if (!KnownSidecars.Contains(containers[i].Name))
            {
                return i;
            }
        }

        return 0;
    }
}
