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
    private const string DefaultDeny = """{"podSelector":{},"policyTypes":["Ingress","Egress"]}""";

    private static readonly ApiServerDestinations Api = new([IPEndPoint.Parse("10.0.0.1:443")], [IPEndPoint.Parse("192.0.2.10:6443"), IPEndPoint.Parse("192.0.2.11:6443")]);

    [Fact]
    public void Run_DefaultDeny_ErrorForTheApiAndInformationForTheElectorPort()
    {
        var findings = Findings(Api, DefaultDeny);

        Assert.Equal(2, findings.Count);
        Assert.Equal((Severity.Error, "shop/deployment/web"), (findings[0].Severity, findings[0].Subject));
        Assert.Equal(
            "all 3 pods: egress isolated by NetworkPolicy p0, with no rule allowing TCP to 10.0.0.1:443 (Service kubernetes) or 192.0.2.10:6443, 192.0.2.11:6443 (the API servers): no elector can read or renew the Lease: none leads, so no pod is Ready and the Service has no endpoint",
            findings[0].Problem);
        Assert.Equal(
            "let them reach the API (TCP 443 and 6443 out): kubectl apply -n shop -f deploy/examples/networkpolicy-electors-egress.yaml with its podSelector set to the pods' labels (docs/install.md, \"Where NetworkPolicy denies by default\")",
            findings[0].Fix);
        Assert.Equal(Severity.Info, findings[1].Severity);
        Assert.Equal(
            "all 3 pods: ingress isolated by NetworkPolicy p0, with no rule admitting TCP to the elector's port sa-elector (8099): if Prometheus scrapes the electors, it cannot (alert SingleActiveElectorDown; the kubelet's readiness probe comes from the node, which always passes)",
            findings[1].Problem);
        Assert.Equal(
            "where Prometheus scrapes them: kubectl apply -n shop -f deploy/examples/networkpolicy-electors-ingress.yaml with its podSelector set to the pods' labels (docs/install.md, \"Where NetworkPolicy denies by default\")",
            findings[1].Fix);
    }

    [Fact]
    public void Run_DefaultDenyInLabelMode_TheLabelStaysWhereItWas()
    {
        var finding = Findings(Api, [Pod("web-0")], mode: "label", lease: null, DefaultDeny)[0];

        Assert.EndsWith("none leads, and none can move the single-active.io/role label, so the Service keeps the pod that last had it", finding.Problem, StringComparison.Ordinal);
    }

    /// <summary>deploy/examples next to a default deny: nothing left to report.</summary>
    [Fact]
    public void Run_DefaultDenyAndTheElectorsExamples_NoFinding()
    {
        Assert.Empty(Findings(
            Api,
            DefaultDeny,
            """{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Egress"],"egress":[{"ports":[{"protocol":"TCP","port":443},{"protocol":"TCP","port":6443}]}]}""",
            """{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress"],"ingress":[{"ports":[{"protocol":"TCP","port":"sa-elector"},{"protocol":"TCP","port":8099}]}]}"""));
    }

    [Theory]
    [InlineData("""{"to":[{"ipBlock":{"cidr":"10.0.0.1/32"}}],"ports":[{"port":443}]}""")] // the Service address, before DNAT
    [InlineData("""{"to":[{"ipBlock":{"cidr":"192.0.2.0/24"}}],"ports":[{"protocol":"TCP","port":6443}]}""")] // the API servers, after DNAT
    [InlineData("""{"to":[{"ipBlock":{"cidr":"0.0.0.0/0","except":["10.0.0.0/24"]}}],"ports":[{"port":6443}]}""")] // the Service excepted, the API servers not
    [InlineData("""{"to":[{"ipBlock":{"cidr":"192.0.2.99/24"}}]}""")] // host bits after the prefix, as the API server accepts them
    [InlineData("""{"to":[{"ipBlock":{"cidr":"010.000.000.001/32"}}]}""")] // leading zeros: decimal, as the API server read them
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
    public void Run_NoPolicyTypesButEgressRules_EgressIsolated()
    {
        var finding = Assert.Single(Findings(Api, """{"podSelector":{},"egress":[{"ports":[{"protocol":"UDP","port":53}]}],"ingress":[{}]}"""));

        Assert.Equal(Severity.Error, finding.Severity);
    }

    [Fact]
    public void Run_IPv6ApiServer_MatchedByAnIPv6Block()
    {
        var api = new ApiServerDestinations([IPEndPoint.Parse("[fd00:10::1]:443")], [IPEndPoint.Parse("[2001:db8::10]:6443")]);

        Assert.Empty(Findings(api, """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"2001:db8::/64"}}],"ports":[{"port":6443}]}]}"""));
        var finding = Assert.Single(Findings(api, """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]}]}"""));
        Assert.Contains("TCP to [fd00:10::1]:443 (Service kubernetes) or [2001:db8::10]:6443 (the API server):", finding.Problem, StringComparison.Ordinal);
        Assert.StartsWith("let them reach the API (TCP 443 and 6443 out)", finding.Fix, StringComparison.Ordinal);
    }

    /// <summary>minikube's API server listens on 8443: the fix asks for the ports the cluster shows, not the usual ones.</summary>
    [Fact]
    public void Run_ApiServerOnAnotherPort_TheFixNamesIt()
    {
        var api = new ApiServerDestinations([IPEndPoint.Parse("10.96.0.1:443")], [IPEndPoint.Parse("192.168.49.2:8443")]);

        var finding = Assert.Single(Findings(api, """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"port":6443}]}]}"""));

        Assert.StartsWith("let them reach the API (TCP 443 and 8443 out)", finding.Fix, StringComparison.Ordinal);
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
            "pod web-1: egress isolated by NetworkPolicy p0, with no rule allowing TCP to 10.0.0.1:443 (Service kubernetes) or 192.0.2.10:6443, 192.0.2.11:6443 (the API servers): its elector cannot reach the Lease, so it never leads or takes over",
            finding.Problem);
    }

    /// <summary>
    /// The Lease renewed by a pod the policies cut off, created after them (so on connections opened after them):
    /// something lets the traffic through (no enforcing CNI, or another kind of policy). A pod older than the policies
    /// may renew on a connection a connection-tracking dataplane keeps open through the deny: no proof; nor is an old renewal.
    /// </summary>
    [Theory]
    [InlineData(-30, -3, Severity.Info)]
    [InlineData(-120, -3, Severity.Error)] // the holder older than the policy
    [InlineData(-30, -300, Severity.Error)] // renewed long ago
    public void Run_CutOffPodRenewedTheLease_InformationOnlyWhenItsConnectionsPostdateThePolicy(int podAgeMinutes, int renewedSecondsAgo, Severity expected)
    {
        var lease = TestWorkloads.Lease("web", "web-0", 1, TestWorkloads.Now.AddMinutes(-20));
        lease.Spec.RenewTime = TestWorkloads.Now.AddSeconds(renewedSecondsAgo).UtcDateTime;
        var holder = Pod("web-0");
        holder.Metadata.CreationTimestamp = TestWorkloads.Now.AddMinutes(podAgeMinutes).UtcDateTime;

        var finding = Assert.Single(Findings(Api, [holder, Pod("web-1")], mode: null, lease, """{"podSelector":{},"policyTypes":["Egress"]}"""));

        Assert.Equal(expected, finding.Severity);
        if (expected == Severity.Info)
        {
            Assert.EndsWith("; yet web-0, created after the policies, renewed Lease web 3s ago: the CNI does not enforce NetworkPolicy, or another kind of policy (Cilium's, Calico's, AdminNetworkPolicy) lets that traffic through", finding.Problem, StringComparison.Ordinal);
            Assert.StartsWith("nothing to do while that lasts; should it change: let them reach the API", finding.Fix, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// From a pod to its own node CNIs differ (Calico applies the pod's egress policy; the Service may send it to another
    /// API server anyway): an API server on the pod's node is no exemption.
    /// </summary>
    [Fact]
    public void Run_ApiServerOnThePodsNode_StillCutOff()
    {
        var pods = new[] { Pod("web-0"), Pod("web-1") };
        pods[0].Status.HostIP = "192.0.2.10";
        pods[1].Status.HostIP = "192.0.2.77";

        var finding = Assert.Single(Findings(Api, pods, mode: null, lease: null, """{"podSelector":{},"policyTypes":["Egress"]}"""));

        Assert.StartsWith("both pods: egress isolated", finding.Problem, StringComparison.Ordinal);
    }

    /// <summary>The API servers unknown (no Endpoints readable): TCP 6443 out still counts, as on Calico and Cilium after the Service's DNAT.</summary>
    [Fact]
    public void Run_ApiServersUnknown_TcpOn6443CountsAndTheFixSaysSo()
    {
        var api = new ApiServerDestinations([IPEndPoint.Parse("10.0.0.1:443")], []);

        Assert.Empty(Findings(api, """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"port":6443}]}]}"""));
        Assert.Equal(
            "let them reach the API (TCP 443 out, and the API server's own port: 6443 on kubeadm): kubectl apply -n shop -f deploy/examples/networkpolicy-electors-egress.yaml with its podSelector set to the pods' labels (docs/install.md, \"Where NetworkPolicy denies by default\")",
            Assert.Single(Findings(api, """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"port":8443}]}]}""")).Fix);
    }

    [Fact]
    public void Run_TwoPoliciesAndTwoPods_PluralAndBoth()
    {
        var finding = Assert.Single(Findings(Api, [Pod("web-0"), Pod("web-1")], mode: null, lease: null, """{"podSelector":{},"policyTypes":["Egress"]}""", """{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Egress"]}"""));

        Assert.StartsWith("both pods: egress isolated by NetworkPolicies p0, p1, with no rule", finding.Problem, StringComparison.Ordinal);
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
    public void Run_ElectorPortOnUdpOnly_Information()
    {
        var finding = Assert.Single(Findings(Api, """{"podSelector":{},"policyTypes":["Ingress"],"ingress":[{"ports":[{"protocol":"UDP","port":8099},{"port":8080}]}]}"""));

        Assert.Equal(Severity.Info, finding.Severity);
    }

    /// <summary>single-active.io/port moves the elector: the pods' status annotation records where.</summary>
    [Fact]
    public void Run_ElectorOnAnotherPort_RulesMatchedAgainstIt()
    {
        var pods = new[] { Pod("web-0", port: 9099), Pod("web-1", port: 9099) };
        const string Admits8099 = """{"podSelector":{},"policyTypes":["Ingress"],"ingress":[{"ports":[{"port":8099}]}]}""";

        Assert.Contains("port sa-elector (9099)", Assert.Single(Findings(Api, pods, mode: null, lease: null, Admits8099)).Problem, StringComparison.Ordinal);
        Assert.Empty(Findings(Api, pods, mode: null, lease: null, """{"podSelector":{},"policyTypes":["Ingress"],"ingress":[{"ports":[{"port":9099}]}]}"""));
    }

    /// <summary>
    /// Where the API server is could not be read: a rule for TCP 443 or 6443 outside the pod network counts; one for
    /// another port may be the API server's (minikube's 8443), a warning; none for TCP outside it at all is certain.
    /// </summary>
    [Theory]
    [InlineData("""{"to":[{"podSelector":{}}]}""", Severity.Error)]
    [InlineData("""{"ports":[{"protocol":"UDP","port":53}]}""", Severity.Error)]
    [InlineData("""{"to":[{"ipBlock":{"cidr":"203.0.113.0/24"}}],"ports":[{"protocol":"UDP","port":443}]}""", Severity.Error)]
    [InlineData("""{"ports":[{"port":"https"}]}""", Severity.Error)] // a destination pod's port name, never the API server's
    [InlineData("""{"ports":[{"protocol":"UDP","port":53},{"protocol":"TCP","port":53}]}""", Severity.Warning)]
    [InlineData("""{"to":[{"ipBlock":{"cidr":"203.0.113.0/24"}}],"ports":[{"port":8443}]}""", Severity.Warning)]
    [InlineData("""{"to":[{"ipBlock":{"cidr":"203.0.113.0/24"}}],"ports":[{"port":6443}]}""", null)]
    public void Run_ApiServerUnknown_ErrorOnlyWhereNoTcpLeavesThePodNetwork(string rule, Severity? expected)
    {
        var findings = Findings(null, $$"""{"podSelector":{},"policyTypes":["Egress"],"egress":[{{rule}}]}""");

        Assert.Equal(expected, findings.SingleOrDefault()?.Severity);
        if (expected is { } severity)
        {
            var finding = Assert.Single(findings);
            Assert.Contains("with no rule allowing TCP to an address outside the pod network on port 443 or 6443 (where the API server is could not be read): " +
                (severity == Severity.Warning ? "unless the API server listens on a port they allow, no elector" : "no elector"), finding.Problem, StringComparison.Ordinal);
            Assert.StartsWith("let them reach the API (TCP 443 and 6443 out, or your API server's port)", finding.Fix, StringComparison.Ordinal);
        }
    }

    /// <summary>NetworkPolicy does not apply to pods on the node's network, nor do pods without the elector, or on their way out, count.</summary>
    [Fact]
    public void Run_HostNetworkNotInjectedOrBeingDeleted_NotCounted()
    {
        var host = Pod("web-0");
        host.Spec.HostNetwork = true;
        var plain = Pod("web-1");
        plain.Metadata.Annotations = null;
        var leaving = Pod("web-2");
        leaving.Metadata.DeletionTimestamp = TestWorkloads.Now.UtcDateTime;

        Assert.Empty(Findings(Api, [host, plain, leaving], mode: null, lease: null, DefaultDeny));
    }

    [Fact]
    public void ApiServerDestinations_OneServer_Singular()
    {
        Assert.Equal("10.0.0.1:443 (Service kubernetes) or 192.0.2.10:6443 (the API server)", new ApiServerDestinations([IPEndPoint.Parse("10.0.0.1:443")], [IPEndPoint.Parse("192.0.2.10:6443")]).ToString());
    }

    [Theory]
    [InlineData("""{"clusterIP":"10.0.0.1","ports":[{"port":443}]}""", null, "10.0.0.1:443 (Service kubernetes)")] // clusterIP alone (no clusterIPs)
    [InlineData("""{"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1","fd00::1"],"ports":[{"port":443}]}""", """[{"addresses":[{"ip":"192.0.2.10"},{"ip":"not-an-ip"}],"ports":[{"port":6443},{"port":6444}]}]""",
        "10.0.0.1:443, [fd00::1]:443 (Service kubernetes) or 192.0.2.10:6443, 192.0.2.10:6444 (the API servers)")]
    [InlineData("""{"clusterIP":"None","ports":[{"port":443}]}""", "[]", null)]
    public void ApiServerDestinations_From_TheAddressesThatParse(string serviceSpec, string? subsets, string? expected)
    {
        var service = KubernetesJson.Deserialize<V1Service>($$"""{"metadata":{"name":"kubernetes"},"spec":{{serviceSpec}}}""");
        var endpoints = subsets is null ? null : KubernetesJson.Deserialize<V1Endpoints>($$"""{"metadata":{"name":"kubernetes"},"subsets":{{subsets}}}""");

        Assert.Equal(expected, ApiServerDestinations.From(service, endpoints)?.ToString());
    }

    private static List<Finding> Findings(ApiServerDestinations? api, params string[] policySpecs) =>
        Findings(api, [Pod("web-0"), Pod("web-1"), Pod("web-2")], mode: null, lease: null, policySpecs);

    private static List<Finding> Findings(ApiServerDestinations? api, V1Pod[] pods, string? mode, V1Lease? lease, params string[] policySpecs)
    {
        var policies = policySpecs.Select((spec, i) => KubernetesJson.Deserialize<V1NetworkPolicy>($$"""{"metadata":{"name":"p{{i}}","namespace":"shop","creationTimestamp":"{{TestWorkloads.Now.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}}"},"spec":{{spec}}}""")).ToList();
        var workload = TestWorkloads.Workload(mode: mode);
        var ns = new NamespaceSnapshot("shop", [], [], [], [(workload, pods)], lease is null ? [] : [lease], policies);
        return [.. NetworkPolicyChecks.Run(ns, workload, pods, api, TestWorkloads.Now)];
    }

    private static V1Pod Pod(string name, int port = 8099)
    {
        var pod = TestWorkloads.Pod(name, "node-a", true);
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web", ["statefulset.kubernetes.io/pod-name"] = name };
        pod.Metadata.Annotations[SingleActive.Contract.Annotations.Status] = $$"""{"version":"1.0.0","lease":"web","sidecar":"container","mode":"readiness","port":{{port}}}""";
        return pod;
    }
}
