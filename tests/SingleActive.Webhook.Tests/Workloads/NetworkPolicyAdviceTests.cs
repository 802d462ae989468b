using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using SingleActive.Kube.NetworkPolicies;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>
/// The advice on a NetworkPolicy written after the workloads of its namespace (<see cref="NetworkPolicyAdvice"/>): judged
/// with the namespace's other policies, naming only the workloads the write itself cuts off from the Kubernetes API.
/// </summary>
public sealed class NetworkPolicyAdviceTests
{
    private const string DenyWithDns = """{"podSelector":{},"policyTypes":["Ingress","Egress"],"egress":[{"ports":[{"protocol":"UDP","port":53},{"protocol":"TCP","port":53}]}]}""";
    private const string DenyIngress = """{"podSelector":{},"policyTypes":["Ingress"]}""";
    private const string AllowApi = """{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Egress"],"egress":[{"ports":[{"port":443},{"port":6443}]}]}""";

    [Theory]
    [InlineData("networking.k8s.io", "v1", "NetworkPolicy", true)]
    [InlineData("extensions", "v1beta1", "NetworkPolicy", false)]
    public void CanHandle_NetworkPolicy_OnlyNetworkingV1(string group, string version, string kind, bool expected)
    {
        Assert.Equal(expected, Handler(new FakeWorkloadLookup(), new FakeNetworkPolicyLookup()).CanHandle(new GroupVersionKind { Group = group, Version = version, Kind = kind }));
    }

    [Fact]
    public async Task HandleAsync_DefaultDenyWrittenAfterTheWorkloads_WarnsForEachOneItCutsOff()
    {
        var workloads = new FakeWorkloadLookup(TestWorkloads.Deployment(), TestWorkloads.StatefulSet(), TestWorkloads.Deployment(templateAnnotations: ""));
        var policies = new FakeNetworkPolicyLookup();

        var outcome = await Handler(workloads, policies).HandleAsync(Request("default-deny", DenyWithDns), default);

        Assert.Equal((true, Decisions.Advised, null), (outcome.Allowed, outcome.Decision, outcome.Patch));
        Assert.Equal(
            [
                ElectorEgressAdvisor.Advise([Policy("default-deny", DenyWithDns)], Workload.Of(TestWorkloads.Deployment()))!,
                ElectorEgressAdvisor.Advise([Policy("default-deny", DenyWithDns)], Workload.Of(TestWorkloads.StatefulSet()))!,
            ],
            outcome.Warnings);
        Assert.StartsWith("single-active: the egress of the pods of Deployment shop/web is isolated by NetworkPolicy default-deny, with no rule letting TCP out on port 443 or 6443", outcome.Warnings![0], StringComparison.Ordinal);
        Assert.Equal(["shop"], workloads.Asked);
        Assert.Equal(["shop"], policies.Asked);
    }

    /// <summary>Policies add up: a deny next to a policy that lets the electors out cuts nothing off.</summary>
    [Fact]
    public async Task HandleAsync_DenyNextToAnAllowForTheElectors_NoWarning()
    {
        var outcome = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment()), new FakeNetworkPolicyLookup(Policy("allow-api", AllowApi)))
            .HandleAsync(Request("default-deny", DenyWithDns), default);

        Assert.Equal((true, Decisions.Skipped, null), (outcome.Allowed, outcome.Decision, outcome.Warnings));
    }

    [Theory]
    [InlineData(DenyIngress, DenyWithDns, true)] // the update adds the egress deny
    [InlineData(DenyWithDns, """{"podSelector":{},"policyTypes":["Egress"]}""", false)] // cut off before already: nothing new to say
    public async Task HandleAsync_Update_OnlyWhatTheChangeCutsOff(string stored, string written, bool warns)
    {
        var policies = new FakeNetworkPolicyLookup(Policy("default-deny", stored));
        var request = Request("default-deny", written, stored);

        var outcome = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment()), policies).HandleAsync(request, default);

        Assert.Equal((warns ? Decisions.Advised : Decisions.Skipped, warns ? 1 : 0), (outcome.Decision, outcome.Warnings?.Count ?? 0));
    }

    /// <summary>
    /// Deleting the policy that let the electors out, next to a default deny, cuts them off as writing the deny would:
    /// judged as the namespace without it (the API server sends the policy as <c>oldObject</c>, <c>object</c> null).
    /// </summary>
    [Fact]
    public async Task HandleAsync_DeleteOfTheAllowNextToADeny_WarnsForEachWorkloadItLeavesCutOff()
    {
        var policies = new FakeNetworkPolicyLookup(Policy("default-deny", DenyWithDns), Policy("allow-api", AllowApi));

        var outcome = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment()), policies).HandleAsync(Delete("allow-api", AllowApi), default);

        Assert.Equal((true, Decisions.Advised, null), (outcome.Allowed, outcome.Decision, outcome.Patch));
        Assert.Equal([ElectorEgressAdvisor.Advise([Policy("default-deny", DenyWithDns)], Workload.Of(TestWorkloads.Deployment()))!], outcome.Warnings);
    }

    /// <summary>
    /// Deleting a deny, or an allow with no egress deny beside it, cuts nothing off (listed, no warning); deleting an
    /// ingress-only policy, or a deletion that carries no policy, is not even listed.
    /// </summary>
    [Theory]
    [InlineData("default-deny", DenyWithDns, true)]
    [InlineData("allow-api", AllowApi, true)]
    [InlineData("deny-ingress", DenyIngress, false)]
    [InlineData("allow-api", null, false)]
    public async Task HandleAsync_DeleteThatCutsNothingOff_NoWarning(string name, string? storedSpec, bool lists)
    {
        var workloads = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var policies = new FakeNetworkPolicyLookup(Policy("allow-api", AllowApi), Policy("deny-ingress", DenyIngress));

        var outcome = await Handler(workloads, policies).HandleAsync(Delete(name, storedSpec), default);

        Assert.Equal((true, Decisions.Skipped, null), (outcome.Allowed, outcome.Decision, outcome.Warnings));
        Assert.Equal(lists ? ["shop"] : [], workloads.Asked);
    }

    /// <summary>Only a NetworkPolicy's deletion is advised on: deleting a Service or a budget cannot cut anything off.</summary>
    [Theory]
    [InlineData("", "v1", "Service")]
    [InlineData("policy", "v1", "PodDisruptionBudget")]
    public async Task HandleAsync_DeleteOfAServiceOrBudget_SkippedWithoutAList(string group, string version, string kind)
    {
        var workloads = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var request = Delete("web", DenyWithDns);
        request.Kind = new GroupVersionKind { Group = group, Version = version, Kind = kind };

        var outcome = await Handler(workloads, new FakeNetworkPolicyLookup()).HandleAsync(request, default);

        Assert.Equal((true, Decisions.Skipped), (outcome.Allowed, outcome.Decision));
        Assert.Empty(workloads.Asked);
    }

    /// <summary>An update that leaves the selection and the egress as they were (labels, annotations, ingress) lists nothing.</summary>
    [Fact]
    public async Task HandleAsync_UpdateLeavingTheEgressAlone_NoList()
    {
        var workloads = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var policies = new FakeNetworkPolicyLookup();
        var written = DenyWithDns.Replace("\"policyTypes\"", "\"ingress\":[{\"ports\":[{\"port\":8080}]}],\"policyTypes\"", StringComparison.Ordinal);

        var outcome = await Handler(workloads, policies).HandleAsync(Request("default-deny", written, DenyWithDns), default);

        Assert.Equal((true, Decisions.Skipped), (outcome.Allowed, outcome.Decision));
        Assert.Empty(workloads.Asked);
        Assert.Empty(policies.Asked);
    }

    /// <summary>Most policies only govern ingress: they cannot cut an elector off, and nothing is listed for them.</summary>
    [Fact]
    public async Task HandleAsync_IngressOnlyPolicy_NoList()
    {
        var workloads = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var policies = new FakeNetworkPolicyLookup();

        var outcome = await Handler(workloads, policies).HandleAsync(Request("deny-ingress", DenyIngress), default);

        Assert.Equal((true, Decisions.Skipped), (outcome.Allowed, outcome.Decision));
        Assert.Empty(workloads.Asked);
        Assert.Empty(policies.Asked);
    }

    /// <summary>A stored object that cannot be read is judged as absent: the write still gets its advice.</summary>
    [Fact]
    public async Task HandleAsync_UnreadableStoredPolicy_JudgedWithoutIt()
    {
        var request = Request("default-deny", DenyWithDns, DenyIngress);
        request.OldObject = RawJsonValue.Parse("""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"default-deny"},"spec":{"podSelector":"not a selector"}}""");

        var outcome = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment()), new FakeNetworkPolicyLookup()).HandleAsync(request, default);

        Assert.Equal(Decisions.Advised, outcome.Decision);
        Assert.Single(outcome.Warnings!);
    }

    [Fact]
    public async Task HandleAsync_PoliciesUnreadableOrNoLookup_AdmittedWithoutAdvice()
    {
        var unreadable = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment()), new FakeNetworkPolicyLookup(null)).HandleAsync(Request("default-deny", DenyWithDns), default);
        var noLookup = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment()), null).HandleAsync(Request("default-deny", DenyWithDns), default);

        Assert.All([unreadable, noLookup], o => Assert.Equal((true, Decisions.Skipped, null), (o.Allowed, o.Decision, o.Warnings)));
    }

    private static WorkloadAdviceHandler Handler(IWorkloadLookup workloads, INetworkPolicyLookup? policies) =>
        new(workloads, Options.Create(new InjectorOptions { Image = "registry.example/single-active:1.0" }), networkPolicies: policies);

    private static V1NetworkPolicy Policy(string name, string spec) => KubernetesJson.Deserialize<V1NetworkPolicy>(Json(name, spec));

    private static string Json(string name, string spec) =>
        $$"""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"{{name}}","namespace":"shop"},"spec":{{spec}}}""";

    /// <summary>A DELETE as the API server sends it to a mutating webhook: the stored policy as <c>oldObject</c>, no <c>object</c>.</summary>
    private static AdmissionRequest Delete(string name, string? storedSpec) => new()
    {
        Uid = "1",
        Kind = new GroupVersionKind { Group = "networking.k8s.io", Version = "v1", Kind = NetworkPolicyAdvice.Kind },
        Operation = "DELETE",
        Namespace = "shop",
        Name = name,
        Object = RawJsonValue.Parse("null"),
        OldObject = storedSpec is null ? null : RawJsonValue.Parse(Json(name, storedSpec)),
    };

    private static AdmissionRequest Request(string name, string spec, string? storedSpec = null) => new()
    {
        Uid = "1",
        Kind = new GroupVersionKind { Group = "networking.k8s.io", Version = "v1", Kind = NetworkPolicyAdvice.Kind },
        Operation = storedSpec is null ? "CREATE" : "UPDATE",
        Namespace = "shop",
        Name = name,
        Object = RawJsonValue.Parse(Json(name, spec)),
        OldObject = storedSpec is null ? null : RawJsonValue.Parse(Json(name, storedSpec)),
    };
}
