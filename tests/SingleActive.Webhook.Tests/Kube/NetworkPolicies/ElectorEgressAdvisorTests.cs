using k8s;
using k8s.Models;
using SingleActive.Kube.NetworkPolicies;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;

namespace SingleActive.Webhook.Tests.Kube.NetworkPolicies;

/// <summary>
/// When a workload's electors would be cut off from the Kubernetes API by its namespace's NetworkPolicies, judged on its
/// pod template's labels with the API server's address unknown: a rule for TCP 443 or 6443 to somewhere outside the pod
/// network counts as reaching it.
/// </summary>
public sealed class ElectorEgressAdvisorTests
{
    [Theory]
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"]}""", true)]
    [InlineData("""{"podSelector":{},"egress":[{"ports":[{"protocol":"UDP","port":53}]}]}""", true)] // no policyTypes, egress rules: egress isolated
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"namespaceSelector":{}}],"ports":[{"port":443}]}]}""", true)] // selectors select pods, not the API server
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"port":"https"}]}]}""", true)] // a destination pod's port name
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"protocol":"UDP","port":443}]}]}""", true)]
    [InlineData("""{"podSelector":{"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]},"policyTypes":["Egress"]}""", true)]
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}],"ports":[{"port":443}]}]}""", false)]
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"port":6000,"endPort":7000}]}]}""", false)]
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"],"egress":[{}]}""", false)]
    [InlineData("""{"podSelector":{},"policyTypes":["Ingress"]}""", false)]
    [InlineData("""{"podSelector":{"matchLabels":{"app":"other"}},"policyTypes":["Egress"]}""", false)]
    public void Advise_Policy_WarnsWhenNoRuleReachesTheApiPorts(string spec, bool warns)
    {
        var policy = KubernetesJson.Deserialize<V1NetworkPolicy>($$"""{"metadata":{"name":"p","namespace":"shop"},"spec":{{spec}}}""");

        Assert.Equal(warns, ElectorEgressAdvisor.Advise([policy], Workload.Of(TestWorkloads.Deployment())) is not null);
    }

    [Fact]
    public void Advise_TwoPolicies_NamesBoth()
    {
        var policies = new[] { "a", "b" }.Select(name => KubernetesJson.Deserialize<V1NetworkPolicy>($$$"""{"metadata":{"name":"{{{name}}}","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Egress"]}}"""));

        Assert.StartsWith("single-active: the egress of the pods of Deployment shop/web is isolated by NetworkPolicies a, b, with no rule", ElectorEgressAdvisor.Advise(policies, Workload.Of(TestWorkloads.Deployment())), StringComparison.Ordinal);
    }
}
