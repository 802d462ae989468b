using System.Net;
using k8s;
using k8s.Models;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>
/// doctor: NetworkPolicies that isolate a workload's electors, by the API's rules (a policy selecting a pod isolates it
/// for the directions it applies to; then only the union of the rules passes). The kubernetes Service is at
/// 10.0.0.1:443, the API servers behind it at 192.0.2.10:6443 and 192.0.2.11:6443.
/// </summary>
public sealed class NetworkPolicyChecksTests
{
    private static readonly ApiServerDestinations Api = new([IPEndPoint.Parse("10.0.0.1:443")], [IPEndPoint.Parse("192.0.2.10:6443"), IPEndPoint.Parse("192.0.2.11:6443")]);

    private const string ExampleFix = "kubectl apply -n shop -f deploy/examples/networkpolicy-electors.yaml with its podSelector set to the pods' labels (docs/install.md, \"Where NetworkPolicy denies by default\")";

    [Fact]
    public void Run_DefaultDeny_ErrorForTheApiAndWarningForTheElectorPort()
    {
        var findings = Findings(Api, """{"podSelector":{},"policyTypes":["Ingress","Egress"]}""");

        Assert.Equal(2, findings.Count);
        Assert.Equal((Severity.Error, "shop/deployment/web"), (findings[0].Severity, findings[0].Subject));
        Assert.Equal(
            "all 3 pods: egress isolated by NetworkPolicy p0, with no rule allowing TCP to 10.0.0.1:443 (Service kubernetes) or 192.0.2.10:6443, 192.0.2.11:6443 (the API servers): no elector can read or renew the Lease, so none leads and the Service has no endpoint",
            findings[0].Problem);
        Assert.Equal("let them reach the API (TCP 443 and 6443 out): " + ExampleFix, findings[0].Fix);
        Assert.Equal(Severity.Warning, findings[1].Severity);
        Assert.Equal(
            "all 3 pods: ingress isolated by NetworkPolicy p0, with no rule admitting TCP to the elector's port sa-elector (8099): Prometheus cannot scrape their electors (alert SingleActiveElectorDown; the kubelet's readiness probe comes from the node, which most CNIs let through)",
            findings[1].Problem);
        Assert.Equal("admit it: " + ExampleFix, findings[1].Fix);
    }

    /// <summary>deploy/examples/networkpolicy-electors.yaml next to a default deny: nothing left to report.</summary>
    [Fact]
    public void Run_DefaultDenyAndTheElectorsExample_NoFinding()
    {
        Assert.Empty(Findings(
            Api,
            """{"podSelector":{},"policyTypes":["Ingress","Egress"]}""",
            """{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress","Egress"],"ingress":[{"ports":[{"protocol":"TCP","port":"sa-elector"}]}],"egress":[{"ports":[{"protocol":"TCP","port":443},{"protocol":"TCP","port":6443}]}]}"""));
    }

    [Theory]
    [InlineData("""{"to":[{"ipBlock":{"cidr":"10.0.0.1/32"}}],"ports":[{"port":443}]}""")] // the Service address, before DNAT
    [InlineData("""{"to":[{"ipBlock":{"cidr":"192.0.2.0/24"}}],"ports":[{"protocol":"TCP","port":6443}]}""")] // the API servers, after DNAT
    [InlineData("""{"to":[{"ipBlock":{"cidr":"192.0.2.99/24"}}]}""")] // host bits after the prefix, as the API server accepts them
    [InlineData("""{"ports":[{"protocol":"TCP","port":6000,"endPort":7000}]}""")]
    [InlineData("""{"ports":[{"protocol":"TCP"}]}""")] // every TCP port
    [InlineData("""{}""")] // everything
    public void Run_EgressRuleReachingTheServiceOrTheApiServer_NoFinding(string rule)
    {
        Assert.Empty(Findings(Api, $$"""{"podSelector":{},"policyTypes":["Egress"],"egress":[{{rule}}]}"""));
    }

    [Theory]
    [InlineData("""{"ports":[{"protocol":"UDP","port":53},{"protocol":"TCP","port":53}]}""")] // DNS only, the usual companion of a default deny
    [InlineData("""{"to":[{"namespaceSelector":{}}],"ports":[{"port":443},{"port":6443}]}""")] // selectors select pods, never the API server
    [InlineData("""{"to":[{"ipBlock":{"cidr":"0.0.0.0/0","except":["10.0.0.0/8","192.0.2.0/24"]}}]}""")]
    [InlineData("""{"ports":[{"port":"https"}]}""")] // a named port names a destination pod's port
    [InlineData("""{"to":[{"ipBlock":{"cidr":"fd00::/8"}}]}""")] // another address family
    public void Run_EgressRulesMissingTheApi_Error(string rule)
    {
        var finding = Assert.Single(Findings(Api, $$"""{"podSelector":{},"policyTypes":["Egress"],"egress":[{{rule}}]}"""));

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith("all 3 pods: egress isolated by NetworkPolicy p0, with no rule allowing TCP to 10.0.0.1:443 ", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EgressIsolatedByTwoPolicies_TheUnionOfTheirRulesCounts()
    {
        Assert.Empty(Findings(
            Api,
            """{"podSelector":{},"policyTypes":["Egress"]}""",
            """{"podSelector":{"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]},"egress":[{"ports":[{"port":443}]}],"policyTypes":["Egress"]}"""));
    }

    [Fact]
    public void Run_PolicySelectingOnePod_NamesItAndWhatItCannotDo()
    {
        var finding = Assert.Single(Findings(Api, """{"podSelector":{"matchLabels":{"statefulset.kubernetes.io/pod-name":"web-1"}},"policyTypes":["Egress"]}"""));

        Assert.Equal(
            "pod web-1: egress isolated by NetworkPolicy p0, with no rule allowing TCP to 10.0.0.1:443 (Service kubernetes) or 192.0.2.10:6443, 192.0.2.11:6443 (the API servers): their electors cannot reach the Lease, so they never lead or take over",
            finding.Problem);
    }

    [Theory]
    [InlineData("""{"podSelector":{"matchLabels":{"app":"other"}},"policyTypes":["Ingress","Egress"]}""")] // another workload's pods
    [InlineData("""{"podSelector":{},"ingress":[{"ports":[{"port":8099}]}]}""")] // no policyTypes and no egress rules: ingress only
    [InlineData("""{"podSelector":{},"policyTypes":["Ingress"],"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"name":"monitoring"}}}],"ports":[{"port":"sa-elector"}]}]}""")]
    [InlineData("""{"podSelector":{},"policyTypes":["Ingress"],"ingress":[{"ports":[{"port":8000,"endPort":8100}]}]}""")]
    public void Run_PoliciesLeavingTheElectorsTheirTraffic_NoFinding(string policy)
    {
        Assert.Empty(Findings(Api, policy));
    }

    [Fact]
    public void Run_ElectorPortOnUdpOnly_Warning()
    {
        var finding = Assert.Single(Findings(Api, """{"podSelector":{},"policyTypes":["Ingress"],"ingress":[{"ports":[{"protocol":"UDP","port":8099},{"port":8080}]}]}"""));

        Assert.Equal(Severity.Warning, finding.Severity);
    }

    /// <summary>Where the API server is could not be read: only a rule that reaches outside the pod network at all saves the electors.</summary>
    [Theory]
    [InlineData("""{"to":[{"podSelector":{}}]}""", true)]
    [InlineData("""{"ports":[{"protocol":"UDP","port":53}]}""", true)]
    [InlineData("""{"to":[{"ipBlock":{"cidr":"203.0.113.0/24"}}],"ports":[{"port":8443}]}""", false)]
    public void Run_ApiServerUnknown_ErrorOnlyWhenNothingOutsideThePodNetworkIsReachable(string rule, bool error)
    {
        var findings = Findings(null, $$"""{"podSelector":{},"policyTypes":["Egress"],"egress":[{{rule}}]}""");

        if (error)
        {
            Assert.Contains("with no rule allowing TCP to the API server (an address outside the pod network)", Assert.Single(findings).Problem, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(findings);
        }
    }

    [Fact]
    public void Run_PodsNotInjectedOrBeingDeleted_NotCounted()
    {
        var plain = Pod("web-0");
        plain.Metadata.Annotations = null;
        var leaving = Pod("web-1");
        leaving.Metadata.DeletionTimestamp = TestWorkloads.Now.UtcDateTime;

        Assert.Empty(Findings(Api, [plain, leaving], """{"podSelector":{},"policyTypes":["Ingress","Egress"]}"""));
    }

    private static List<Finding> Findings(ApiServerDestinations? api, params string[] policySpecs) =>
        Findings(api, [Pod("web-0"), Pod("web-1"), Pod("web-2")], policySpecs);

    private static List<Finding> Findings(ApiServerDestinations? api, V1Pod[] pods, params string[] policySpecs)
    {
        var policies = policySpecs.Select((spec, i) => KubernetesJson.Deserialize<V1NetworkPolicy>($$"""{"metadata":{"name":"p{{i}}","namespace":"shop"},"spec":{{spec}}}""")).ToList();
        var ns = new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), pods)], [], policies);
        var snapshot = new ClusterSnapshot(null, null, new Dictionary<string, V1ClusterRole>(), [], [], [ns], ApiServer: api);
        return [.. NetworkPolicyChecks.Run(snapshot, ns, "shop/deployment/web", TestWorkloads.Workload(), pods)];
    }

    private static V1Pod Pod(string name)
    {
        var pod = TestWorkloads.Pod(name, "node-a", true);
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web", ["statefulset.kubernetes.io/pod-name"] = name };
        return pod;
    }
}
