using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using SingleActive.E2E.Tests.ControlPlane;

namespace SingleActive.E2E.Tests.Support;

/// <summary>How many addresses a Service's Endpoints hold, read the way a user would.</summary>
public static class Endpoints
{
    public static async Task<int> ReadyCountAsync(IKubernetes client, string ns, string service)
    {
        try
        {
            var endpoints = await client.CoreV1.ReadNamespacedEndpointsAsync(service, ns);
            return endpoints.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }
    }

    /// <summary><c>kubectl get endpoints NAME -o json</c>: the ready addresses' pod names.</summary>
    public static async Task<IReadOnlyList<string>> KubectlAddressesAsync(ControlPlaneFixture cluster, string ns, string service)
    {
        var (exit, stdout, stderr) = await cluster.KubectlAsync("get", "endpoints", service, "-n", ns, "-o", "json");
        if (exit != 0)
        {
            throw new InvalidOperationException($"kubectl get endpoints {service} -n {ns} failed: {stderr}");
        }

        var subsets = JsonNode.Parse(stdout)?["subsets"]?.AsArray() ?? [];
        return subsets
            .SelectMany(s => s?["addresses"]?.AsArray() ?? [])
            .Select(a => (string?)a?["targetRef"]?["name"] ?? (string?)a?["ip"] ?? "")
            .ToList();
    }
}
