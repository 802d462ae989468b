using System.Text;
using k8s;
using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// A pod's volumes as a kubelet sets them up, as directories below the pod's directory that containers
/// get bind-mounted at their <c>mountPath</c>: emptyDir, secret, configMap, downwardAPI and projected
/// volumes (serviceAccountToken from the TokenRequest API for the pod's <b>final</b> ServiceAccount, bound
/// to the pod, so every API call its containers make goes through real RBAC and stops working once the
/// pod is gone). Other volume types are left empty. Projected tokens are not refreshed (they last an hour).
/// </summary>
internal static class PodVolumes
{
    /// <summary>Writes every volume of <paramref name="pod"/>; returns volume name → host directory.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> MaterializeAsync(IKubernetes client, V1Pod pod, string podDirectory, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            var directory = Path.Combine(podDirectory, "volumes", volume.Name);
            Directory.CreateDirectory(directory);
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            if (volume.Secret is { } secret)
            {
                var data = (await client.CoreV1.ReadNamespacedSecretAsync(secret.SecretName, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken)).Data;
                Add(files, data, secret.Items);
            }
            else if (volume.ConfigMap is { } configMap)
            {
                var map = await client.CoreV1.ReadNamespacedConfigMapAsync(configMap.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                Add(files, map.Data?.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)), configMap.Items);
            }
            else if (volume.DownwardAPI is { } downward)
            {
                foreach (var item in downward.Items ?? [])
                {
                    files[item.Path] = Encoding.UTF8.GetBytes(DownwardValue(pod, item.FieldRef?.FieldPath));
                }
            }
            else if (volume.Projected is { } projected)
            {
                foreach (var source in projected.Sources ?? [])
                {
                    await ProjectAsync(client, pod, source, files, cancellationToken);
                }
            }

            foreach (var (path, content) in files)
            {
                var file = Path.Combine(directory, path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, content, cancellationToken);
            }

            result[volume.Name] = directory;
        }

        return result;
    }

    private static async Task ProjectAsync(IKubernetes client, V1Pod pod, V1VolumeProjection source, Dictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        if (source.ServiceAccountToken is { } token)
        {
            var account = pod.Spec.ServiceAccountName is { Length: > 0 } name ? name : "default";
            var request = new Authenticationv1TokenRequest
            {
                Spec = new V1TokenRequestSpec
                {
                    Audiences = token.Audience is { Length: > 0 } audience ? [audience] : [],
                    ExpirationSeconds = Math.Max(token.ExpirationSeconds ?? 3600, 3600),
                    BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
                },
            };
            var issued = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, account, ns, cancellationToken: cancellationToken);
            files[token.Path] = Encoding.UTF8.GetBytes(issued.Status.Token);
        }
        else if (source.ConfigMap is { } configMap)
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync(configMap.Name, ns, cancellationToken: cancellationToken);
            Add(files, map.Data?.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)), configMap.Items);
        }
        else if (source.Secret is { } secret)
        {
            var data = (await client.CoreV1.ReadNamespacedSecretAsync(secret.Name, ns, cancellationToken: cancellationToken)).Data;
            Add(files, data, secret.Items);
        }
        else if (source.DownwardAPI is { } downward)
        {
            foreach (var item in downward.Items ?? [])
            {
                files[item.Path] = Encoding.UTF8.GetBytes(DownwardValue(pod, item.FieldRef?.FieldPath));
            }
        }
    }

    private static void Add(Dictionary<string, byte[]> files, IDictionary<string, byte[]>? data, IList<V1KeyToPath>? items)
    {
        foreach (var (key, value) in data ?? new Dictionary<string, byte[]>())
        {
            if (items is not { Count: > 0 })
            {
                files[key] = value;
            }
            else if (items.FirstOrDefault(i => i.Key == key) is { } item)
            {
                files[item.Path] = value;
            }
        }
    }

    private static string DownwardValue(V1Pod pod, string? fieldPath) => fieldPath switch
    {
        "metadata.name" => pod.Metadata.Name,
        "metadata.namespace" => pod.Metadata.NamespaceProperty,
        "metadata.uid" => pod.Metadata.Uid,
        "metadata.labels" => string.Join('\n', (pod.Metadata.Labels ?? new Dictionary<string, string>()).Select(p => $"{p.Key}=\"{p.Value}\"")),
        "metadata.annotations" => string.Join('\n', (pod.Metadata.Annotations ?? new Dictionary<string, string>()).Select(p => $"{p.Key}=\"{p.Value}\"")),
        _ => "",
    };
}
