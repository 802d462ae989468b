using System.Text.Json.Nodes;
using SingleActive.Contract;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// The NetworkPolicies deploy/ ships for clusters that deny by default: the component for the webhook's pods and the
/// examples for a namespace's electors admit exactly the ports the pods they guard serve, and open connections on the
/// Kubernetes API's ports only. No CNI enforces policy on the test control plane, so what they let through is checked
/// here against the manifests; <c>ServerValidationTests</c> puts both through the API server's validation.
/// </summary>
public sealed class NetworkPolicyManifestTests
{
    /// <summary>The kubernetes Service's port and the API server's own port behind it (kubeadm, k3s, kind, OpenShift).</summary>
    private static readonly string[] ApiServerPorts = ["TCP/443", "TCP/6443"];

    [Theory]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task NetworkPolicyComponent_Overlay_SelectsTheWebhookAdmitsItsServingPortOpensOnlyTheApi(string overlay)
    {
        var objects = await Kustomize.BuildWithComponentsAsync(overlay, "components/network-policy", "components/monitoring");
        var policy = Kustomize.Single(objects, "NetworkPolicy", "single-active-webhook");
        var deployment = Kustomize.Single(objects, "Deployment", "single-active-webhook");
        var template = deployment["spec"]!["template"]!;
        var container = Assert.Single(template["spec"]!["containers"]!.AsArray(), c => (string?)c!["name"] == "webhook")!;

        Assert.Equal("single-active-system", (string?)policy["metadata"]!["namespace"]);
        // The webhook's pods and no other: the Service's selector, which the pod template carries.
        var selected = policy["spec"]!["podSelector"]!["matchLabels"]!.AsObject();
        var serviceSelector = Kustomize.Single(objects, "Service", "single-active-webhook")["spec"]!["selector"]!.AsObject();
        Assert.Equal(Pairs(serviceSelector), Pairs(selected));
        Assert.All(selected, l => Assert.Equal((string?)l.Value, (string?)template["metadata"]!["labels"]![l.Key]));
        Assert.Equal(["Ingress", "Egress"], policy["spec"]!["policyTypes"]!.AsArray().Select(t => (string?)t));

        // Ingress from anywhere (the API server's address cannot be selected), on the one port every caller uses.
        var ingress = Assert.Single(policy["spec"]!["ingress"]!.AsArray())!;
        Assert.Null(ingress["from"]);
        Assert.Equal(["TCP/https"], Ports(ingress));
        Assert.Single(container["ports"]!.AsArray(), p => (string?)p!["name"] == "https");
        var service = Kustomize.Single(objects, "Service", "single-active-webhook");
        Assert.Equal("https", (string?)Assert.Single(service["spec"]!["ports"]!.AsArray())!["targetPort"]);
        Assert.Equal("https", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Equal("https", (string?)container["livenessProbe"]!["httpGet"]!["port"]);
        var scrape = Kustomize.Single(objects, "PodMonitor", "single-active-webhook")["spec"]!["podMetricsEndpoints"]!.AsArray();
        Assert.Equal("https", (string?)Assert.Single(scrape)!["port"]);

        // Egress to the Kubernetes API only, which the webhook dials by address (no DNS).
        var egress = Assert.Single(policy["spec"]!["egress"]!.AsArray())!;
        Assert.Null(egress["to"]);
        Assert.Equal(ApiServerPorts, Ports(egress));
    }

    /// <summary>
    /// One policy per direction, so that a namespace isolating only one direction is not isolated in the other by applying
    /// it; the ingress one names the port both ways (Calico before 3.30 resolves names only among a pod's containers,
    /// and a native-sidecar elector is an init container).
    /// </summary>
    [Fact]
    public async Task ElectorsExamples_OneDirectionEach_ElectorPortInTheApiPortsOut()
    {
        var egress = ElectorsExample("egress");
        var ingress = ElectorsExample("ingress");

        foreach (var policy in new[] { egress, ingress })
        {
            Assert.Equal(("networking.k8s.io/v1", "NetworkPolicy"), ((string?)policy["apiVersion"], (string?)policy["kind"]));
            Assert.Null(policy["metadata"]!["namespace"]); // Applied with -n into the workload's namespace.
        }

        Assert.Equal(["Egress"], egress["spec"]!["policyTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Null(egress["spec"]!["ingress"]);
        var egressRule = Assert.Single(egress["spec"]!["egress"]!.AsArray())!;
        Assert.Null(egressRule["to"]);
        Assert.Equal(ApiServerPorts, Ports(egressRule));
        // The same API ports as the webhook's policy: both dial the same kubernetes Service.
        var component = Kustomize.Single(await Kustomize.BuildWithComponentsAsync("overlays/self-signed", "components/network-policy"), "NetworkPolicy", "single-active-webhook");
        Assert.Equal(Ports(component["spec"]!["egress"]![0]!), Ports(egressRule));

        Assert.Equal(["Ingress"], ingress["spec"]!["policyTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Null(ingress["spec"]!["egress"]);
        var ingressRule = Assert.Single(ingress["spec"]!["ingress"]!.AsArray())!;
        Assert.Null(ingressRule["from"]);
        Assert.Equal([$"TCP/{ElectorHttp.PortName}", $"TCP/{ElectorHttp.DefaultPort}"], Ports(ingressRule));
    }

    /// <summary>deploy/examples/networkpolicy-electors-<paramref name="direction"/>.yaml as JSON.</summary>
    internal static JsonObject ElectorsExample(string direction) =>
        Assert.Single(YamlJson.ParseDocuments(File.ReadAllText(Kustomize.DeployDir($"examples/networkpolicy-electors-{direction}.yaml"))));

    private static List<string> Ports(JsonNode rule) =>
        rule["ports"]!.AsArray().Select(p => $"{(string?)p!["protocol"] ?? "TCP"}/{p["port"]}").ToList();

    private static List<string> Pairs(JsonObject labels) => labels.Select(l => $"{l.Key}={l.Value}").Order(StringComparer.Ordinal).ToList();
}
