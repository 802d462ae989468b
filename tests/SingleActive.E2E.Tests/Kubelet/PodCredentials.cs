using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// What a kubelet's projected serviceAccountToken volume gives a container, as a kubeconfig: a
/// token from the TokenRequest API for the pod's <b>final</b> ServiceAccount, bound to the pod (it
/// stops working once the pod is gone), so every API call the elector makes goes through real RBAC.
/// </summary>
internal static class PodCredentials
{
    public static async Task<string> WriteKubeconfigAsync(IKubernetes client, V1Pod pod, ProcessKubeletOptions options, string directory, CancellationToken cancellationToken)
    {
        var account = pod.Spec.ServiceAccountName is { Length: > 0 } name ? name : "default";
        var request = new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec
            {
                ExpirationSeconds = 3600,
                BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
            },
        };
        var token = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, account, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        return await KubeconfigFile.WriteAsync(
            Path.Combine(directory, "kubeconfig"), options.ApiServerUrl, options.ApiServerCaFile,
            $"system:serviceaccount:{pod.Metadata.NamespaceProperty}:{account}", token.Status.Token, pod.Metadata.NamespaceProperty, cancellationToken);
    }
}
