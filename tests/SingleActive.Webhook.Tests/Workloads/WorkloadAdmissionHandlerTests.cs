using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Tests.Golden;
using SingleActive.Webhook.Tests.Kube.Workloads;
using SingleActive.Webhook.Tests.Patching;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

public class WorkloadAdmissionHandlerTests
{
    private readonly FakePodDisruptionBudgetLookup budgets = new([]);

    private WorkloadAdmissionHandler Handler(IPodDisruptionBudgetLookup? budgets = null, IServiceLookup? services = null, INetworkPolicyLookup? networkPolicies = null) =>
        new(new WorkloadMutator(TestWorkloads.Injector()), new JsonPatchBuilder(), budgets ?? this.budgets, services: services, networkPolicies: networkPolicies);

    [Theory]
    [InlineData("apps", "v1", "Deployment", true)]
    [InlineData("apps", "v1", "StatefulSet", true)]
    [InlineData("apps", "v1beta2", "Deployment", false)]
    [InlineData("apps", "v1", "DaemonSet", false)]
    [InlineData("", "v1", "Pod", false)]
    public void CanHandle_Kind_OnlyAppsV1Workloads(string group, string version, string kind, bool expected)
    {
        Assert.Equal(expected, Handler().CanHandle(new GroupVersionKind { Group = group, Version = version, Kind = kind }));
    }

    [Fact]
    public async Task HandleAsync_KubectlAnnotateFixture_CopiesOptInAndMakesTheRolloutSafe()
    {
        var (request, original) = Fixture("deployment-update-kubectl-annotate");

        var outcome = await Handler().HandleAsync(request, default);

        Assert.Equal((true, Decisions.Mutated), (outcome.Allowed, outcome.Decision));
        var patched = JsonPatchOracle.Apply(original, outcome.Patch!);
        Assert.Equal("true", (string?)patched["spec"]!["template"]!["metadata"]!["annotations"]!["single-active"]);
        Assert.Equal("100%", (string?)patched["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]);
        Assert.Equal("25%", (string?)patched["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]);
        Assert.NotNull(patched["metadata"]!["managedFields"]);
        Assert.Equal(3, outcome.Warnings!.Count);
        Assert.Contains("copied the annotation single-active=\"true\" from Deployment shop/billing", outcome.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("was switched from ServiceAccount \"default\" to \"single-active-elector\"", outcome.Warnings[1], StringComparison.Ordinal);
        Assert.Contains("maxUnavailable of Deployment shop/billing to 100% (was 25%; maxSurge 25%)", outcome.Warnings[2], StringComparison.Ordinal);
        Assert.Equal(["shop"], this.budgets.Asked);

        var again = await Handler().HandleAsync(WithObject(request, patched), default);

        Assert.Equal((true, Decisions.AlreadyInjected, null), (again.Allowed, again.Decision, again.Patch));

        // Nothing changes; only the ServiceAccount switch its pods get is said again (always visible).
        Assert.Contains("was switched from ServiceAccount", Assert.Single(again.Warnings!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_StatefulSetCreateFixture_SetsParallelAndWarns()
    {
        var (request, original) = Fixture("statefulset-create");

        var outcome = await Handler().HandleAsync(request, default);

        var patched = JsonPatchOracle.Apply(original, outcome.Patch!);
        Assert.Equal("Parallel", (string?)patched["spec"]!["podManagementPolicy"]);
        Assert.Single(JsonPatchOracle.Operations(outcome.Patch!));
        Assert.Contains(outcome.Warnings!, w => w.Contains("podManagementPolicy of StatefulSet shop/ledger to Parallel (was OrderedReady)", StringComparison.Ordinal));
        Assert.Contains(outcome.Warnings!, w => w.Contains("stops after the first replaced standby", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_DeploymentCreateFixture_OnlyTheStrategyChanges()
    {
        var (request, original) = Fixture("deployment-create-template-annotated");

        var outcome = await Handler().HandleAsync(request, default);

        var ops = JsonPatchOracle.Operations(outcome.Patch!);
        Assert.Equal("/spec/strategy/rollingUpdate/maxUnavailable", (string?)Assert.Single(ops)!["path"]);
        Assert.Equal("100%", (string?)JsonPatchOracle.Apply(original, outcome.Patch!)["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]);
        Assert.Single(outcome.Warnings!, w => !w.Contains("was switched from ServiceAccount", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_NotOptedIn_AllowedWithoutPatchOrLookup()
    {
        var (request, original) = Fixture("deployment-update-kubectl-annotate");
        original["metadata"]!["annotations"]!.AsObject().Remove("single-active");

        var outcome = await Handler().HandleAsync(WithObject(request, original), default);

        Assert.Equal((true, Decisions.Skipped, null, null), (outcome.Allowed, outcome.Decision, outcome.Patch, outcome.Warnings));
        Assert.Empty(this.budgets.Asked);
    }

    [Fact]
    public async Task HandleAsync_InvalidWorkloadValue_DeniedWithTheMessage()
    {
        var (request, original) = Fixture("deployment-update-kubectl-annotate");
        original["metadata"]!["annotations"]!["single-active"] = "enabled";

        var outcome = await Handler().HandleAsync(WithObject(request, original), default);

        Assert.False(outcome.Allowed);
        Assert.StartsWith("annotation \"single-active\" on Deployment shop/billing has the value \"enabled\"", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_BlockingBudget_WarnsInReadinessModeOnly()
    {
        var budgets = new FakePodDisruptionBudgetLookup(PodDisruptionBudgetAdvisorTests.Budget("\"minAvailable\":2,\"selector\":{\"matchLabels\":{\"app\":\"billing\"}}", "billing"));
        var (request, original) = Fixture("deployment-update-kubectl-annotate");

        var readiness = await Handler(budgets).HandleAsync(request, default);
        original["metadata"]!["annotations"]!["single-active.io/mode"] = "label";
        original["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { ["single-active.io/mode"] = "label" };
        var label = await Handler(budgets).HandleAsync(WithObject(request, original), default);

        Assert.Contains(readiness.Warnings!, w => w.StartsWith("single-active: PodDisruptionBudget shop/billing selects the pods of Deployment shop/billing", StringComparison.Ordinal));
        Assert.Equal(["shop"], budgets.Asked);
        Assert.DoesNotContain(label.Warnings!, w => w.Contains("PodDisruptionBudget", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_ServicePublishingNotReadyAddresses_WarnsInReadinessModeOnly()
    {
        var services = new FakeServiceLookup(NotReadyAddressAdvisorTests.Service("billing", "\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"billing\"}"));
        var (request, original) = Fixture("deployment-update-kubectl-annotate");

        var readiness = await Handler(services: services).HandleAsync(request, default);
        original["metadata"]!["annotations"]!["single-active.io/mode"] = "label";
        original["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { ["single-active.io/mode"] = "label" };
        var label = await Handler(services: services).HandleAsync(WithObject(request, original), default);

        Assert.Contains(readiness.Warnings!, w => w.StartsWith("single-active: Service shop/billing selects the pods of Deployment shop/billing and has publishNotReadyAddresses: true", StringComparison.Ordinal));
        Assert.Equal(["shop", "shop"], services.Asked); // label mode lists them too (HandleAsync_LabelModeServiceNotSelectingTheLeader_Warns)
        Assert.DoesNotContain(label.Warnings!, w => w.Contains("publishNotReadyAddresses", StringComparison.Ordinal));
    }

    /// <summary>A Service kept from label mode (its selector asks for the leader label) over a readiness-mode Deployment: it would have no endpoint.</summary>
    [Fact]
    public async Task HandleAsync_ServiceSelectingTheLeaderLabel_WarnsInReadinessModeOnly()
    {
        var services = new FakeServiceLookup(NotReadyAddressAdvisorTests.Service("billing", "\"selector\":{\"app\":\"billing\",\"single-active.io/role\":\"leader\"}"));
        var (request, original) = Fixture("deployment-update-kubectl-annotate");

        var readiness = await Handler(services: services).HandleAsync(request, default);
        original["metadata"]!["annotations"]!["single-active.io/mode"] = "label";
        original["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { ["single-active.io/mode"] = "label" };
        var label = await Handler(services: services).HandleAsync(WithObject(request, original), default);

        Assert.Contains(readiness.Warnings!, w => w.StartsWith("single-active: Service shop/billing selects the pods of Deployment shop/billing by single-active.io/role: leader, which no pod carries in readiness mode", StringComparison.Ordinal));
        Assert.DoesNotContain(label.Warnings!, w => w.Contains("no pod carries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_LabelModeServiceNotSelectingTheLeader_Warns()
    {
        var services = new FakeServiceLookup(
            NotReadyAddressAdvisorTests.Service("billing", "\"selector\":{\"app\":\"billing\"}"),
            NotReadyAddressAdvisorTests.Service("billing-leader", "\"selector\":{\"app\":\"billing\",\"single-active.io/role\":\"leader\"}"));
        var (request, original) = Fixture("deployment-update-kubectl-annotate");
        original["metadata"]!["annotations"]!["single-active.io/mode"] = "label";
        original["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { ["single-active.io/mode"] = "label" };

        var outcome = await Handler(services: services).HandleAsync(WithObject(request, original), default);

        Assert.Equal(
            "single-active: Deployment shop/billing (label mode): service/billing selects every replica, not only the leader: in label mode clients reach the standbys too. " +
            "Fix: add single-active.io/role: leader to the Service's spec.selector.",
            Assert.Single(outcome.Warnings!, w => w.Contains("service/", StringComparison.Ordinal)));
        Assert.Empty(this.budgets.Asked); // budgets work as usual in label mode
    }

    /// <summary>A default deny that lets only DNS out, as locked-down namespaces often start: in either mode no elector would reach its Lease.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("label")]
    public async Task HandleAsync_NetworkPolicyCuttingTheElectorsOff_Warns(string? mode)
    {
        var policies = new FakeNetworkPolicyLookup(
            Policy("shop", "default-deny", """{"podSelector":{},"policyTypes":["Ingress","Egress"],"egress":[{"ports":[{"protocol":"UDP","port":53},{"protocol":"TCP","port":53}]}]}"""),
            Policy("other", "deny-everything", """{"podSelector":{},"policyTypes":["Egress"]}"""));
        var (request, original) = Fixture("deployment-update-kubectl-annotate");
        if (mode is not null)
        {
            original["metadata"]!["annotations"]!["single-active.io/mode"] = mode;
            original["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { ["single-active.io/mode"] = mode };
        }

        var outcome = await Handler(networkPolicies: policies).HandleAsync(WithObject(request, original), default);

        Assert.True(outcome.Allowed);
        Assert.Equal(
            "single-active: the egress of the pods of Deployment shop/billing is isolated by NetworkPolicy default-deny, with no rule letting TCP out on port 443 or 6443 " +
            "to an address outside the pod network: unless your API server listens on another port, where the CNI enforces NetworkPolicy no elector reaches the Kubernetes API " +
            "to read its Lease, so none leads. Fix: kubectl apply -n shop -f deploy/examples/networkpolicy-electors-egress.yaml with its podSelector set to the pods' labels " +
            "(docs/install.md, \"Where NetworkPolicy denies by default\").",
            Assert.Single(outcome.Warnings!, w => w.Contains("NetworkPolicy", StringComparison.Ordinal)));
        Assert.Equal(["shop"], policies.Asked);
    }

    [Theory]
    [InlineData("""{"podSelector":{"matchLabels":{"app":"billing"}},"policyTypes":["Egress"],"egress":[{"ports":[{"protocol":"TCP","port":443},{"protocol":"TCP","port":6443}]}]}""")] // deploy/examples next to the deny
    [InlineData("""{"podSelector":{"matchLabels":{"app":"other"}},"policyTypes":["Egress"]}""")]
    public async Task HandleAsync_NetworkPolicyLettingTheElectorsOut_NoWarning(string allow)
    {
        var policies = new FakeNetworkPolicyLookup(Policy("shop", "deny-egress", """{"podSelector":{"matchLabels":{"app":"other"}},"policyTypes":["Egress"]}"""), Policy("shop", "allow", allow));
        var (request, _) = Fixture("deployment-update-kubectl-annotate");

        var outcome = await Handler(networkPolicies: policies).HandleAsync(request, default);

        Assert.DoesNotContain(outcome.Warnings!, w => w.Contains("NetworkPolicy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_HostNetworkTemplate_NoNetworkPolicyWarning()
    {
        var policies = new FakeNetworkPolicyLookup(Policy("shop", "default-deny", """{"podSelector":{},"policyTypes":["Egress"]}"""));
        var (request, original) = Fixture("deployment-update-kubectl-annotate");
        original["spec"]!["template"]!["spec"]!["hostNetwork"] = true;
        original["spec"]!["template"]!["metadata"]!["annotations"] = new JsonObject { ["single-active.io/port"] = "9099" }; // a node port of its own

        var outcome = await Handler(networkPolicies: policies).HandleAsync(WithObject(request, original), default);

        Assert.True(outcome.Allowed, outcome.Message);
        Assert.DoesNotContain(outcome.Warnings!, w => w.Contains("NetworkPolicy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_NetworkPoliciesUnreadableOrNotOptedIn_AdmittedWithoutTheAdviceOrTheLookup()
    {
        var (request, original) = Fixture("deployment-update-kubectl-annotate");
        var unreadable = await Handler(networkPolicies: new FakeNetworkPolicyLookup(null)).HandleAsync(request, default);
        var policies = new FakeNetworkPolicyLookup([]);
        original["metadata"]!["annotations"]!.AsObject().Remove("single-active");

        await Handler(networkPolicies: policies).HandleAsync(WithObject(request, original), default);

        Assert.True(unreadable.Allowed);
        Assert.Equal(3, unreadable.Warnings!.Count);
        Assert.Empty(policies.Asked);
    }

    [Fact]
    public async Task HandleAsync_ServicesUnreadable_AdmittedWithoutTheAdvice()
    {
        var (request, _) = Fixture("deployment-update-kubectl-annotate");

        var outcome = await Handler(services: new FakeServiceLookup(null)).HandleAsync(request, default);

        Assert.True(outcome.Allowed);
        Assert.Equal(3, outcome.Warnings!.Count);
    }

    [Fact]
    public async Task HandleAsync_BudgetsUnreadable_AdmittedWithoutTheAdvice()
    {
        var (request, _) = Fixture("deployment-update-kubectl-annotate");

        var outcome = await Handler(new FakePodDisruptionBudgetLookup(null)).HandleAsync(request, default);

        Assert.True(outcome.Allowed);
        Assert.Equal(3, outcome.Warnings!.Count);
    }

    [Theory]
    [InlineData("DELETE", "")]
    [InlineData("CONNECT", "")]
    [InlineData("UPDATE", "status")]
    public async Task HandleAsync_OtherOperations_Skipped(string operation, string subResource)
    {
        var (request, _) = Fixture("deployment-update-kubectl-annotate");
        request.Operation = operation;
        request.SubResource = subResource;

        var outcome = await Handler().HandleAsync(request, default);

        Assert.Equal((true, Decisions.Skipped, null), (outcome.Allowed, outcome.Decision, outcome.Patch));
    }

    [Theory]
    [InlineData(null, "the admission request has no Deployment in request.object")]
    [InlineData("""{"kind":"Deployment","spec":{"replicas":"three"}}""", "request.object could not be read as a Deployment")]
    public async Task HandleAsync_UnreadableObject_DeniedNamingTheProblem(string? json, string expected)
    {
        var (request, _) = Fixture("deployment-create-template-annotated");
        request.Object = json is null ? null : RawJsonValue.Parse(json);

        var outcome = await Handler().HandleAsync(request, default);

        Assert.False(outcome.Allowed);
        Assert.StartsWith(expected, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_NoApi_ReturnsNullWithoutThrowing()
    {
        using var none = ClusterConnection.None;
        var lookup = new KubernetesAdviceLookup(none, NullLogger<KubernetesAdviceLookup>.Instance);

        Assert.Null(await ((IPodDisruptionBudgetLookup)lookup).ListAsync("shop", default));
        Assert.Null(await ((IServiceLookup)lookup).ListAsync("shop", default));
        Assert.Null(await ((IWorkloadLookup)lookup).ListAsync("shop", default));
    }

    [Theory]
    [InlineData("real-world-deployment-being-deleted-finalizer-removal")]
    [InlineData("derived-statefulset-update-being-deleted")]
    public async Task HandleAsync_BeingDeleted_AllowedUnchangedWhateverTheTemplateSays(string fixture)
    {
        var (request, _) = Fixture(fixture);

        var outcome = await Handler().HandleAsync(request, default);

        Assert.Equal((true, Decisions.Skipped, (byte[]?)null, (IReadOnlyList<string>?)null), (outcome.Allowed, outcome.Decision, outcome.Patch, outcome.Warnings));
    }

    [Fact]
    public async Task HandleAsync_BeingDeletedWithAnUnreadableTemplate_Allowed()
    {
        var (request, original) = Fixture("real-world-deployment-being-deleted-finalizer-removal");
        original["spec"]!["template"] = "not a template";
        request.Object = RawJsonValue.Parse(original.ToJsonString());

        var outcome = await Handler().HandleAsync(request, default);

        Assert.True(outcome.Allowed, outcome.Message);
    }

    [Theory]
    [InlineData("Deployment", 3, null, 3, false)]
    [InlineData("Deployment", 0, 2, 3, false)] // scaled down, its pods not yet removed
    [InlineData("Deployment", 0, 0, 3, true)]
    [InlineData("Deployment", 3, 3, 0, true)] // scaled to 0 in the same change
    [InlineData("StatefulSet", 3, null, 3, false)]
    [InlineData("StatefulSet", 3, 3, 0, true)]
    public async Task HandleAsync_LeaseNameChanged_DeniedWhileTheStoredObjectMayRunPods(string kind, int storedReplicas, int? storedPods, int changedReplicas, bool allowed)
    {
        var name = kind == "Deployment" ? "web" : "db";
        var (request, _) = Fixture("deployment-update-kubectl-annotate");
        request.Kind = new GroupVersionKind { Group = "apps", Version = "v1", Kind = kind };
        var stored = JsonNode.Parse(TestWorkloads.Json(kind, name, "", "\"single-active\":\"true\"", $"\"replicas\":{storedReplicas}"))!;
        stored["status"] = storedPods is { } pods ? new JsonObject { ["replicas"] = pods } : null;
        request.OldObject = RawJsonValue.Parse(stored.ToJsonString());
        request.Object = RawJsonValue.Parse(TestWorkloads.Json(kind, name, "", "\"single-active\":\"true\",\"single-active.io/lease-name\":\"web-v2\"", $"\"replicas\":{changedReplicas}"));

        var outcome = await Handler().HandleAsync(request, default);

        Assert.Equal(allowed, outcome.Allowed);
        if (!allowed)
        {
            Assert.StartsWith($"{kind} shop/{name} may run pods that campaign for Lease \"{name}\", and its changed pod template names Lease \"web-v2\"", outcome.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>An update that leaves the template alone (labels a GitOps tool or Helm writes) is admitted whatever the replicas.</summary>
    [Fact]
    public async Task HandleAsync_MetadataOnlyUpdateWithAnExplicitLease_Allowed()
    {
        const string Template = "\"single-active\":\"true\",\"single-active.io/lease-name\":\"orders\"";
        var (request, _) = Fixture("deployment-update-kubectl-annotate");
        request.OldObject = RawJsonValue.Parse(TestWorkloads.Json("Deployment", "web", "", Template, "\"replicas\":3"));
        request.Object = RawJsonValue.Parse(TestWorkloads.Json("Deployment", "web", "\"argocd.argoproj.io/tracking-id\":\"shop:apps/Deployment:shop/web\"", Template, "\"replicas\":3"));

        var outcome = await Handler().HandleAsync(request, default);

        Assert.True(outcome.Allowed, outcome.Message);
    }

    private static V1NetworkPolicy Policy(string @namespace, string name, string spec) =>
        k8s.KubernetesJson.Deserialize<V1NetworkPolicy>($$"""{"metadata":{"name":"{{name}}","namespace":"{{@namespace}}"},"spec":{{spec}}}""");

    internal static (AdmissionRequest Request, JsonNode Object) Fixture(string name)
    {
        var review = JsonSerializer.Deserialize<AdmissionReview>(TestData.Fixture(name))!;
        return (review.Request!, JsonNode.Parse(review.Request!.Object!.ToString())!);
    }

    private static AdmissionRequest WithObject(AdmissionRequest request, JsonNode obj)
    {
        request.Object = RawJsonValue.Parse(obj.ToJsonString());
        return request;
    }
}
