using Microsoft.Extensions.Options;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Tests.Kube.Workloads;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

public class WorkloadAdviceHandlerTests
{
    private const string LabelMode = "\"single-active\":\"true\",\"single-active.io/mode\":\"label\"";

    private static readonly string NotReadyService = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{"publishNotReadyAddresses":true,"selector":{"app":"web"}}}""";

    [Theory]
    [InlineData("", "v1", "Service", true)]
    [InlineData("policy", "v1", "PodDisruptionBudget", true)]
    [InlineData("policy", "v1beta1", "PodDisruptionBudget", true)]
    [InlineData("", "v1", "Pod", false)]
    [InlineData("apps", "v1", "Deployment", false)]
    [InlineData("", "v1", "Endpoints", false)]
    public void CanHandle_Kind_OnlyServicesAndBudgets(string group, string version, string kind, bool expected)
    {
        Assert.Equal(expected, Handler(new FakeWorkloadLookup()).CanHandle(new GroupVersionKind { Group = group, Version = version, Kind = kind }));
    }

    [Fact]
    public async Task HandleAsync_ServicePublishingNotReadyAddresses_TheWarningTheWorkloadsAdmissionGives()
    {
        var deployment = TestWorkloads.Deployment();
        var lookup = new FakeWorkloadLookup(deployment, TestWorkloads.StatefulSet(), TestWorkloads.Deployment(templateAnnotations: ""));

        var outcome = await Handler(lookup).HandleAsync(Request("Service", NotReadyService), default);

        Assert.Equal((true, Decisions.Advised, null), (outcome.Allowed, outcome.Decision, outcome.Patch));
        var expected = NotReadyAddressAdvisor.Advise([NotReadyAddressAdvisorTests.Service("web", "\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\"}")], Workload.Of(TestWorkloads.Deployment()));
        Assert.Equal(expected, outcome.Warnings);
        Assert.StartsWith("single-active: Service shop/web selects the pods of Deployment shop/web and has publishNotReadyAddresses: true", outcome.Warnings![0], StringComparison.Ordinal);
        Assert.Equal(["shop"], lookup.Asked);
    }

    [Theory]
    // Service spec, expect a warning
    [InlineData("\"selector\":{\"app\":\"web\"}", true)]
    [InlineData("\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}", false)]
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\",\"single-active.io/role\":\"leader\"}", false)]
    public async Task HandleAsync_ServiceOverALabelModeWorkload_WarnsUnlessItSelectsTheLeader(string spec, bool warns)
    {
        var lookup = new FakeWorkloadLookup(TestWorkloads.Deployment(templateAnnotations: LabelMode));
        var service = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{""" + spec + "}}";

        var outcome = await Handler(lookup).HandleAsync(Request("Service", service), default);

        Assert.True(outcome.Allowed);
        Assert.Null(outcome.Patch);
        if (warns)
        {
            Assert.Equal(Decisions.Advised, outcome.Decision);
            Assert.StartsWith("single-active: Deployment shop/web (label mode): service/web selects every replica, not only the leader", Assert.Single(outcome.Warnings!), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal((Decisions.Skipped, null), (outcome.Decision, outcome.Warnings));
        }
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta1")]
    public async Task HandleAsync_BudgetWantingTwoHealthy_WarnsForReadinessModeOnly(string version)
    {
        var labelMode = TestWorkloads.Deployment(templateAnnotations: LabelMode);
        labelMode.Metadata.Name = "web-label";
        var lookup = new FakeWorkloadLookup(TestWorkloads.Deployment(), labelMode);
        var budget = """{"apiVersion":"policy/VERSION","kind":"PodDisruptionBudget","metadata":{"name":"web-pdb","namespace":"shop"},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"web"}}}}""".Replace("VERSION", version, StringComparison.Ordinal);

        var outcome = await Handler(lookup).HandleAsync(Request("PodDisruptionBudget", budget, group: "policy", version: version), default);

        Assert.Equal((true, Decisions.Advised), (outcome.Allowed, outcome.Decision));
        Assert.StartsWith("single-active: PodDisruptionBudget shop/web-pdb selects the pods of Deployment shop/web and wants 2 healthy (minAvailable 2)", Assert.Single(outcome.Warnings!), StringComparison.Ordinal);
    }

    [Theory]
    // kind, version, object: none of them can select a single-active pod, so the workloads are not even listed
    [InlineData("Service", "v1", """{"kind":"Service","metadata":{"name":"db"},"spec":{"type":"ExternalName","externalName":"db.example"}}""")]
    [InlineData("Service", "v1", """{"kind":"Service","metadata":{"name":"web","deletionTimestamp":"2026-11-30T10:00:00Z"},"spec":{"publishNotReadyAddresses":true,"selector":{"app":"web"}}}""")]
    [InlineData("PodDisruptionBudget", "v1beta1", """{"kind":"PodDisruptionBudget","metadata":{"name":"none"},"spec":{"minAvailable":2,"selector":{}}}""")] // v1beta1: empty selects nothing
    [InlineData("PodDisruptionBudget", "v1", """{"kind":"PodDisruptionBudget","metadata":{"name":"none"},"spec":{"minAvailable":2}}""")]
    public async Task HandleAsync_ObjectSelectingNoPods_SkippedWithoutListing(string kind, string version, string json)
    {
        var lookup = new FakeWorkloadLookup(TestWorkloads.Deployment());

        var outcome = await Handler(lookup).HandleAsync(Request(kind, json, group: kind == "Service" ? "" : "policy", version: version), default);

        Assert.Equal((true, Decisions.Skipped, null, null), (outcome.Allowed, outcome.Decision, outcome.Patch, outcome.Warnings));
        Assert.Empty(lookup.Asked);
    }

    [Fact]
    public async Task HandleAsync_V1BudgetWithEmptySelector_SelectsEveryPod()
    {
        var budget = """{"kind":"PodDisruptionBudget","metadata":{"name":"all"},"spec":{"maxUnavailable":0,"selector":{}}}""";

        var outcome = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment())).HandleAsync(Request("PodDisruptionBudget", budget, group: "policy"), default);

        Assert.StartsWith("single-active: PodDisruptionBudget shop/all selects the pods of Deployment shop/web and wants 3 healthy", Assert.Single(outcome.Warnings!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DELETE", "")]
    [InlineData("CONNECT", "")]
    [InlineData("UPDATE", "status")]
    public async Task HandleAsync_OtherOperations_Skipped(string operation, string subResource)
    {
        var lookup = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var request = Request("Service", NotReadyService);
        request.Operation = operation;
        request.SubResource = subResource;

        var outcome = await Handler(lookup).HandleAsync(request, default);

        Assert.Equal((true, Decisions.Skipped, null), (outcome.Allowed, outcome.Decision, outcome.Warnings));
        Assert.Empty(lookup.Asked);
    }

    /// <summary>A controller rewriting a Service (labels, annotations, ports): nothing the advice reads changed, so no list at all.</summary>
    [Theory]
    [InlineData("Service", "", "v1", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop","labels":{"touched":"OLD"}},"spec":{"publishNotReadyAddresses":true,"selector":{"app":"web"},"ports":[{"port":80}]}}""")]
    [InlineData("PodDisruptionBudget", "policy", "v1beta1", """{"apiVersion":"policy/v1beta1","kind":"PodDisruptionBudget","metadata":{"name":"web-pdb","namespace":"shop","annotations":{"touched":"OLD"}},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"web"}}}}""")]
    public async Task HandleAsync_UpdateChangingNothingTheAdviceReads_SkippedWithoutListing(string kind, string group, string version, string before)
    {
        var lookup = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var request = Request(kind, before.Replace("OLD", "NEW", StringComparison.Ordinal).Replace("\"ports\":[{\"port\":80}]", "\"ports\":[{\"port\":8080}]", StringComparison.Ordinal), group, version);
        request.Operation = "UPDATE";
        request.OldObject = RawJsonValue.Parse(before);

        var outcome = await Handler(lookup).HandleAsync(request, default);

        Assert.Equal((true, Decisions.Skipped, null), (outcome.Allowed, outcome.Decision, outcome.Warnings));
        Assert.Equal("nothing the advice reads changed", outcome.Message);
        Assert.Empty(lookup.Asked);
    }

    [Fact]
    public async Task HandleAsync_ServiceOfAnotherNamespace_NoAdviceAboutThisNamespacesWorkloads()
    {
        var lookup = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var request = Request("Service", NotReadyService.Replace("\"namespace\":\"shop\"", "\"namespace\":\"staging\"", StringComparison.Ordinal));
        request.Namespace = "staging";

        var outcome = await Handler(lookup).HandleAsync(request, default);

        Assert.Equal((true, Decisions.Skipped, null), (outcome.Allowed, outcome.Decision, outcome.Warnings));
        Assert.Equal(["staging"], lookup.Asked);
    }

    /// <summary>Past 4096 characters in all, the API server cuts each warning to 256: the fix would be lost.</summary>
    [Fact]
    public async Task HandleAsync_ServiceSelectingManyWorkloads_ThreeInFullAndOneLineNamingTheRest()
    {
        var deployments = Enumerable.Range(1, 6).Select(i =>
        {
            var d = TestWorkloads.Deployment();
            d.Metadata.Name = $"web-{i}";
            return (object)d;
        }).ToArray();

        var outcome = await Handler(new FakeWorkloadLookup(deployments)).HandleAsync(Request("Service", NotReadyService), default);

        Assert.Equal(4, outcome.Warnings!.Count);
        Assert.All(outcome.Warnings.Take(3), w => Assert.Contains(". Fix: ", w, StringComparison.Ordinal));
        Assert.Equal(
            "single-active: the same applies to 3 more workload(s) it selects: deployment/web-4, deployment/web-5, deployment/web-6 (kubectl single-active doctor -n shop lists each with its fix)",
            outcome.Warnings[3]);
        Assert.InRange(outcome.Warnings.Sum(w => w.Length), 1, 4096);
    }

    [Fact]
    public async Task HandleAsync_WorkloadsUnreadable_AdmittedWithoutAdvice()
    {
        var outcome = await Handler(new FakeWorkloadLookup(null)).HandleAsync(Request("Service", NotReadyService), default);

        Assert.Equal((true, Decisions.Skipped, null), (outcome.Allowed, outcome.Decision, outcome.Warnings));
    }

    /// <summary>The webhook entry fails open only when the webhook does not answer: an answer must never be a denial.</summary>
    [Theory]
    [InlineData("""{"kind":"Service","spec":{"selector":"app=web"}}""")]
    [InlineData("""{"kind":"Service","spec":{"selector":{"app":"web"},"ports":[{"port":"eighty"}]}}""")]
    [InlineData("[]")]
    [InlineData("\"a string\"")]
    public async Task HandleAsync_UnreadableService_AdmittedNeverDenied(string json)
    {
        var outcome = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment())).HandleAsync(Request("Service", json), default);

        Assert.Equal((true, Decisions.Skipped), (outcome.Allowed, outcome.Decision));
    }

    [Fact]
    public async Task HandleAsync_LookupThrows_AdmittedNeverDenied()
    {
        var outcome = await Handler(new ThrowingLookup(new InvalidOperationException("no API for you"))).HandleAsync(Request("Service", NotReadyService), default);
        var outOfMemory = await Handler(new ThrowingLookup(new OutOfMemoryException("a huge list"))).HandleAsync(Request("Service", NotReadyService), default);

        Assert.Equal((true, Decisions.Skipped), (outcome.Allowed, outcome.Decision));
        Assert.Contains("no API for you", outcome.Message, StringComparison.Ordinal);
        Assert.Equal((true, Decisions.Skipped), (outOfMemory.Allowed, outOfMemory.Decision));
    }

    [Theory]
    // the Service's spec before the update; expect the warning again
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"web\"}", false)] // nothing new: a controller rewriting it is not told again
    [InlineData("\"publishNotReadyAddresses\":false,\"selector\":{\"app\":\"web\"}", true)]
    [InlineData("\"publishNotReadyAddresses\":true,\"selector\":{\"app\":\"other\"}", true)]
    [InlineData(null, true)] // no old object: every warning is new
    public async Task HandleAsync_Update_OnlyTheWarningsTheChangeBrings(string? before, bool warns)
    {
        var request = Request("Service", NotReadyService);
        request.Operation = "UPDATE";
        request.OldObject = before is null ? null : RawJsonValue.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{""" + before + "}}");

        var outcome = await Handler(new FakeWorkloadLookup(TestWorkloads.Deployment())).HandleAsync(request, default);

        Assert.True(outcome.Allowed);
        Assert.Equal(warns, outcome.Warnings is { Count: 1 });
    }

    [Fact]
    public async Task HandleAsync_TemplateNamingNoModeUnderALabelModeDefault_AdvisedAsLabelMode()
    {
        var lookup = new FakeWorkloadLookup(TestWorkloads.Deployment());
        var service = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{"selector":{"app":"web"}}}""";

        var readiness = await Handler(lookup).HandleAsync(Request("Service", service), default);
        var label = await Handler(lookup, ElectorMode.Label).HandleAsync(Request("Service", service), default);

        Assert.Null(readiness.Warnings);
        Assert.StartsWith("single-active: Deployment shop/web (label mode): service/web selects every replica", Assert.Single(label.Warnings!), StringComparison.Ordinal);
    }

    private static WorkloadAdviceHandler Handler(IWorkloadLookup workloads, ElectorMode defaultMode = ElectorMode.Readiness) =>
        new(workloads, Options.Create(new InjectorOptions { Image = "registry.example/single-active:1.0", Mode = defaultMode }));

    private static AdmissionRequest Request(string kind, string json, string group = "", string version = "v1") => new()
    {
        Uid = "1",
        Kind = new GroupVersionKind { Group = group, Version = version, Kind = kind },
        Operation = "CREATE",
        Namespace = "shop",
        Name = "web",
        Object = RawJsonValue.Parse(json),
    };

    private sealed class ThrowingLookup(Exception exception) : IWorkloadLookup
    {
        public Task<IReadOnlyList<SingleActiveWorkload>?> ListAsync(string @namespace, CancellationToken cancellationToken) => throw exception;
    }
}
