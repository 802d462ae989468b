using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// A container's environment as a kubelet computes it: the <c>kubernetes</c> Service's variables
/// (<c>KUBERNETES_SERVICE_HOST</c>, …), then envFrom, then env in order, with <c>$(VAR)</c> references
/// expanded, downward-API <c>fieldRef</c>/<c>resourceFieldRef</c> values and ConfigMap/Secret keys
/// resolved from the real API server.
/// </summary>
internal static partial class ContainerEnvironment
{
    public static async Task<Dictionary<string, string>> ResolveAsync(
        IKubernetes client, V1Pod pod, V1Container container, PodAddresses addresses, IReadOnlyDictionary<string, string> serviceVariables, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var result = new Dictionary<string, string>(serviceVariables, StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            IDictionary<string, string>? data = null;
            if (source.ConfigMapRef is { } configMapRef)
            {
                data = (await client.CoreV1.ReadNamespacedConfigMapAsync(configMapRef.Name, ns, cancellationToken: cancellationToken)).Data;
            }
            else if (source.SecretRef is { } secretRef)
            {
                data = (await client.CoreV1.ReadNamespacedSecretAsync(secretRef.Name, ns, cancellationToken: cancellationToken)).Data?
                    .ToDictionary(pair => pair.Key, pair => Encoding.UTF8.GetString(pair.Value));
            }

            foreach (var (key, value) in data ?? new Dictionary<string, string>())
            {
                result[(source.Prefix ?? "") + key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            result[variable.Name] = variable.ValueFrom is { } from
                ? await ValueFromAsync(client, pod, container, from, addresses, cancellationToken)
                : Expand(variable.Value ?? "", result);
        }

        return result;
    }

    /// <summary>Kubernetes' <c>$(VAR)</c> expansion: defined names are replaced, <c>$$</c> escapes, unknown references stay as written.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> defined) =>
        Reference().Replace(value, match => match.Value == "$$" ? "$" : defined.TryGetValue(match.Groups[1].Value, out var found) ? found : match.Value);

    private static async Task<string> ValueFromAsync(IKubernetes client, V1Pod pod, V1Container container, V1EnvVarSource from, PodAddresses addresses, CancellationToken cancellationToken)
    {
        if (from.FieldRef is { } field)
        {
            return FieldValue(pod, field.FieldPath, addresses);
        }

        if (from.ResourceFieldRef is { } resource)
        {
            return ResourceValue(pod, container, resource);
        }

        if (from.ConfigMapKeyRef is { } configMapKey)
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync(configMapKey.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            return map.Data?.TryGetValue(configMapKey.Key, out var value) == true ? value : "";
        }

        if (from.SecretKeyRef is { } secretKey)
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretKey.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            return secret.Data?.TryGetValue(secretKey.Key, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : "";
        }

        return "";
    }

    private static string FieldValue(V1Pod pod, string path, PodAddresses addresses)
    {
        var labelOrAnnotation = MapKey().Match(path);
        if (labelOrAnnotation.Success)
        {
            var map = labelOrAnnotation.Groups[1].Value == "labels" ? pod.Metadata.Labels : pod.Metadata.Annotations;
            return map?.TryGetValue(labelOrAnnotation.Groups[2].Value, out var value) == true ? value : "";
        }

        return path switch
        {
            "metadata.name" => pod.Metadata.Name,
            "metadata.namespace" => pod.Metadata.NamespaceProperty,
            "metadata.uid" => pod.Metadata.Uid,
            "spec.nodeName" => pod.Spec.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
            "status.hostIP" => addresses.HostIp,
            "status.podIP" => addresses.PodIps[0],
            "status.podIPs" => string.Join(',', addresses.PodIps),
            _ => throw new NotSupportedException($"the process kubelet cannot resolve fieldRef {path}"),
        };
    }

    /// <summary>resourceFieldRef: the limit (or request) divided by the divisor, rounded up, as a kubelet does; an unset limit is the node's allocatable.</summary>
    private static string ResourceValue(V1Pod pod, V1Container container, V1ResourceFieldSelector selector)
    {
        var target = selector.ContainerName is { Length: > 0 } name
            ? (pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []).FirstOrDefault(c => c.Name == name) ?? container)
            : container;
        var parts = selector.Resource.Split('.', 2);
        var values = parts[0] == "requests" ? target.Resources?.Requests : target.Resources?.Limits;
        decimal amount = values?.TryGetValue(parts[1], out var quantity) == true
            ? quantity.ToDecimal()
            : parts[1] == "cpu" ? 16m : 64m * 1024 * 1024 * 1024;
        var divisor = selector.Divisor?.ToDecimal() is > 0 and var d ? d : 1m;
        return decimal.Ceiling(amount / divisor).ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.\-]*)\)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['(.+)'\]$")]
    private static partial Regex MapKey();
}
