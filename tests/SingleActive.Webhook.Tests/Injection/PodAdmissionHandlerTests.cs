using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Patching;

namespace SingleActive.Webhook.Tests.Injection;

public class PodAdmissionHandlerTests
{
    private readonly RecordingServiceAccountProvisioner provisioner = new();

    private PodAdmissionHandler Handler(Version? server = null, IServiceAccountLookup? lookup = null) =>
        new(new PodInjector(new InjectorOptions()), provisioner, new FixedClusterVersion(server), serviceAccounts: lookup);

    private static AdmissionRequest Request(string? objectJson, string operation = "CREATE", bool? dryRun = false, string? ns = "shop") => new()
    {
        Uid = "u-1",
        Kind = new GroupVersionKind { Group = "", Version = "v1", Kind = "Pod" },
        Operation = operation,
        Namespace = ns,
        DryRun = dryRun,
        Object = objectJson is null ? null : RawJsonValue.Parse(objectJson),
    };

    private static string Annotated(string ns = "\"namespace\":\"shop\",") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"," + ns + "\"annotations\":{\"single-active\":\"true\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"a\"}]}}";

    [Theory]
    [InlineData("", "v1", "Pod", true)]
    [InlineData(null, "v1", "Pod", true)]
    [InlineData("apps", "v1", "Deployment", false)]
    [InlineData("", "v1", "Service", false)]
    [InlineData("", "v2", "Pod", false)]
    public void CanHandle_Kind_OnlyCorePods(string? group, string version, string kind, bool expected) =>
        Assert.Equal(expected, Handler().CanHandle(new GroupVersionKind { Group = group, Version = version, Kind = kind }));

    [Theory]
    [InlineData("UPDATE")]
    [InlineData("DELETE")]
    [InlineData("CONNECT")]
    public async Task HandleAsync_NotCreate_AllowedWithoutPatch(string operation)
    {
        var outcome = await Handler().HandleAsync(Request(Annotated(), operation), CancellationToken.None);

        Assert.Equal((true, Decisions.Skipped, (byte[]?)null), (outcome.Allowed, outcome.Decision, outcome.Patch));
        Assert.Empty(provisioner.Requests);
    }

    [Fact]
    public async Task HandleAsync_SubresourceCreate_AllowedWithoutPatch()
    {
        var request = Request(Annotated());
        request.SubResource = "binding";

        var outcome = await Handler().HandleAsync(request, CancellationToken.None);

        Assert.Equal((true, Decisions.Skipped), (outcome.Allowed, outcome.Decision));
    }

    [Fact]
    public async Task HandleAsync_AnnotatedPod_ProvisionsAndReturnsAnApplicablePatch()
    {
        var json = Annotated();

        var outcome = await Handler().HandleAsync(Request(json), CancellationToken.None);

        Assert.Equal((true, Decisions.Injected), (outcome.Allowed, outcome.Decision));
        Assert.Equal(new ServiceAccountRequest("shop", "single-active-elector", true, SingleActive.Contract.ElectorMode.Readiness), Assert.Single(provisioner.Requests));
        var patched = JsonPatchOracle.Apply(JsonNode.Parse(json)!, outcome.Patch!);
        Assert.Equal("single-active-elector", (string)patched["spec"]!["containers"]![1]!["name"]!);
        Assert.Equal("single-active-elector", (string)patched["spec"]!["serviceAccountName"]!);
    }

    [Fact]
    public async Task HandleAsync_NamespaceOnlyInRequest_IsUsed()
    {
        var outcome = await Handler().HandleAsync(Request(Annotated(ns: ""), ns: "payments"), CancellationToken.None);

        Assert.True(outcome.Allowed);
        Assert.Equal("payments", Assert.Single(provisioner.Requests).Namespace);
    }

    [Fact]
    public async Task HandleAsync_DryRun_PatchesWithoutProvisioning()
    {
        var outcome = await Handler().HandleAsync(Request(Annotated(), dryRun: true), CancellationToken.None);

        Assert.Equal((true, Decisions.Injected), (outcome.Allowed, outcome.Decision));
        Assert.NotNull(outcome.Patch);
        Assert.Empty(provisioner.Requests);
    }

    [Fact]
    public async Task HandleAsync_DryRunDedicatedAccountExists_SwitchesToIt()
    {
        var lookup = new FakeServiceAccountLookup(true);

        var outcome = await Handler(lookup: lookup).HandleAsync(Request(Annotated(), dryRun: true), CancellationToken.None);

        var patched = JsonPatchOracle.Apply(JsonNode.Parse(Annotated())!, outcome.Patch!);
        Assert.Equal("single-active-elector", (string)patched["spec"]!["serviceAccountName"]!);
        Assert.Contains("was switched from ServiceAccount \"default\" to \"single-active-elector\"", Assert.Single(outcome.Warnings!), StringComparison.Ordinal);
        Assert.Equal(("shop", "single-active-elector"), Assert.Single(lookup.Questions));
        Assert.Empty(provisioner.Requests);
    }

    [Theory]
    [InlineData(false, "does not exist yet in this namespace")]
    [InlineData(null, "could not be checked")]
    public async Task HandleAsync_DryRunDedicatedAccountNotKnownToExist_KeepsTheOwnAccountAndWarns(bool? exists, string reason)
    {
        var json = Annotated().Replace("\"containers\"", "\"serviceAccountName\":\"default\",\"containers\"", StringComparison.Ordinal);

        var outcome = await Handler(lookup: new FakeServiceAccountLookup(exists)).HandleAsync(Request(json, dryRun: true), CancellationToken.None);

        Assert.Equal((true, Decisions.Injected), (outcome.Allowed, outcome.Decision));
        var patched = JsonPatchOracle.Apply(JsonNode.Parse(json)!, outcome.Patch!);
        Assert.Equal("default", (string)patched["spec"]!["serviceAccountName"]!);
        Assert.Equal("single-active-elector", (string)patched["spec"]!["containers"]![1]!["name"]!);
        Assert.Contains("\"serviceAccount\":\"default\"", (string)patched["metadata"]!["annotations"]!["single-active.io/status"]!, StringComparison.Ordinal);
        var warning = Assert.Single(outcome.Warnings!);
        Assert.Contains(reason, warning, StringComparison.Ordinal);
        Assert.Contains("a real create would switch the pod to ServiceAccount \"single-active-elector\"", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(JsonPatchOracle.Operations(outcome.Patch!), op => ((string)op!["path"]!).Contains("serviceAccount", StringComparison.Ordinal));
        Assert.Empty(provisioner.Requests);
    }

    [Fact]
    public async Task HandleAsync_DryRunWithoutLookup_KeepsTheOwnAccount()
    {
        var outcome = await Handler().HandleAsync(Request(Annotated(), dryRun: true), CancellationToken.None);

        var patched = JsonPatchOracle.Apply(JsonNode.Parse(Annotated())!, outcome.Patch!);
        Assert.Null(patched["spec"]!["serviceAccountName"]);
        Assert.Contains("\"serviceAccount\":\"default\"", (string)patched["metadata"]!["annotations"]!["single-active.io/status"]!, StringComparison.Ordinal);
        Assert.Contains(outcome.Warnings!, w => w.Contains("could not be checked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_DryRunWithOwnAccount_NeverLooksUp()
    {
        var lookup = new FakeServiceAccountLookup(false);
        var json = Annotated().Replace("\"containers\"", "\"serviceAccountName\":\"ledger-sa\",\"containers\"", StringComparison.Ordinal);

        var outcome = await Handler(lookup: lookup).HandleAsync(Request(json, dryRun: true), CancellationToken.None);

        Assert.Equal((true, Decisions.Injected, (IReadOnlyList<string>?)null), (outcome.Allowed, outcome.Decision, outcome.Warnings));
        Assert.Empty(lookup.Questions);
    }

    [Fact]
    public async Task HandleAsync_RealCreateWithMissingAccount_SwitchesAndProvisionsWithoutLookingUp()
    {
        var lookup = new FakeServiceAccountLookup(false);

        var outcome = await Handler(lookup: lookup).HandleAsync(Request(Annotated()), CancellationToken.None);

        var patched = JsonPatchOracle.Apply(JsonNode.Parse(Annotated())!, outcome.Patch!);
        Assert.Equal("single-active-elector", (string)patched["spec"]!["serviceAccountName"]!);
        Assert.True(Assert.Single(provisioner.Requests).CreateServiceAccount);
        Assert.Empty(lookup.Questions);
    }

    [Theory]
    [InlineData("iam.gke.io/gcp-service-account", "GKE workload identity")]
    [InlineData("eks.amazonaws.com/role-arn", "AWS IAM roles for service accounts")]
    public async Task HandleAsync_DefaultAccountCarriesACloudIdentity_DeniedNamingTheFix(string annotation, string provider)
    {
        var lookup = new FakeServiceAccountLookup(true);
        lookup.Annotations["default"] = new Dictionary<string, string> { [annotation] = "x" };

        var outcome = await Handler(lookup: lookup).HandleAsync(Request(Annotated()), CancellationToken.None);

        Assert.False(outcome.Allowed);
        Assert.Contains($"runs as ServiceAccount \"default\", which carries an identity outside the cluster: ServiceAccount \"default\" has the annotation \"{annotation}\" ({provider})", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("set spec.serviceAccountName", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(("shop", "default"), Assert.Single(lookup.AnnotationQuestions));
        Assert.Empty(provisioner.Requests);
    }

    [Fact]
    public async Task HandleAsync_DefaultAccountAnnotationsUnknown_SwitchesAndSaysSo()
    {
        var lookup = new FakeServiceAccountLookup(true) { AnnotationsUnknown = true };

        var outcome = await Handler(lookup: lookup).HandleAsync(Request(Annotated()), CancellationToken.None);

        Assert.True(outcome.Allowed, outcome.Message);
        Assert.Contains(outcome.Warnings!, w => w.Contains("was switched from ServiceAccount \"default\"", StringComparison.Ordinal));
        Assert.True(Assert.Single(provisioner.Requests).CreateServiceAccount);
    }

    [Fact]
    public async Task HandleAsync_OwnAccount_NeverReadsItsAnnotations()
    {
        var lookup = new FakeServiceAccountLookup(true);
        var json = Annotated().Replace("\"containers\"", "\"serviceAccountName\":\"ledger-sa\",\"containers\"", StringComparison.Ordinal);

        var outcome = await Handler(lookup: lookup).HandleAsync(Request(json), CancellationToken.None);

        Assert.True(outcome.Allowed);
        Assert.Empty(lookup.AnnotationQuestions);
    }

    [Fact]
    public async Task HandleAsync_SwitchedPod_StatusNamesTheAppAndThePreviousAccount()
    {
        var outcome = await Handler().HandleAsync(Request(Annotated()), CancellationToken.None);

        var patched = JsonPatchOracle.Apply(JsonNode.Parse(Annotated())!, outcome.Patch!);
        var status = JsonNode.Parse((string)patched["metadata"]!["annotations"]!["single-active.io/status"]!)!;
        Assert.Equal(("app", "single-active-elector", "default"), ((string)status["app"]!, (string)status["serviceAccount"]!, (string)status["previousServiceAccount"]!));
    }

    [Fact]
    public async Task HandleAsync_MirrorPod_AllowedUnchangedWithTheWarning()
    {
        var json = Annotated().Replace("\"single-active\":\"true\"", "\"single-active\":\"true\",\"kubernetes.io/config.mirror\":\"abc\"", StringComparison.Ordinal);

        var outcome = await Handler().HandleAsync(Request(json), CancellationToken.None);

        Assert.Equal((true, Decisions.Skipped, (byte[]?)null), (outcome.Allowed, outcome.Decision, outcome.Patch));
        Assert.Contains("is the mirror of a static pod", Assert.Single(outcome.Warnings!), StringComparison.Ordinal);
        Assert.Empty(provisioner.Requests);
    }

    [Fact]
    public async Task HandleAsync_ProvisioningFails_DeniesWithItsMessage()
    {
        provisioner.Failure = new ProvisioningException("cannot create RoleBinding shop/single-active-elector-single-active-elector: forbidden");

        var outcome = await Handler().HandleAsync(Request(Annotated()), CancellationToken.None);

        Assert.Equal((false, Decisions.Denied), (outcome.Allowed, outcome.Decision));
        Assert.Equal("cannot create RoleBinding shop/single-active-elector-single-active-elector: forbidden", outcome.Message);
        Assert.Null(outcome.Patch);
    }

    [Fact]
    public async Task HandleAsync_ProvisionerThrowsUnexpectedly_DeniesNamingTheAccount()
    {
        provisioner.Failure = new HttpRequestException("connection refused");

        var outcome = await Handler().HandleAsync(Request(Annotated()), CancellationToken.None);

        Assert.False(outcome.Allowed);
        Assert.Contains("ServiceAccount \"single-active-elector\" in namespace \"shop\"", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", outcome.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "no pod in request.object")]
    [InlineData("[1,2]", "no pod in request.object")]
    [InlineData("\"pod\"", "no pod in request.object")]
    [InlineData("{\"kind\":\"Deployment\",\"metadata\":{}}", "request.object is not a Pod (its kind is \"Deployment\")")]
    [InlineData("{\"kind\":5}", "request.object is not a Pod (its kind is 5)")]
    [InlineData("{\"kind\":\"Pod\",\"metadata\":{\"annotations\":{\"single-active\":\"true\"}},\"spec\":{\"containers\":5}}", "request.object could not be read as a Pod: ")]
    [InlineData("{\"kind\":\"Pod\",\"metadata\":{\"annotations\":{\"single-active\":\"true\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"lots\"}}}]}}", "request.object could not be read as a Pod: ")]
    [InlineData("{\"kind\":\"Pod\",\"metadata\":{\"annotations\":{\"single-active\":\"true\"},\"creationTimestamp\":\"yesterday\"},\"spec\":{}}", "request.object could not be read as a Pod: ")]
    [InlineData("{\"kind\":\"Pod\",\"metadata\":{\"annotations\":{\"single-active\":\"true\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":\"x\"}]}]}}", "request.object could not be read as a Pod: ")]
    public async Task HandleAsync_MalformedObject_DeniesNamingTheProblem(string? objectJson, string expected)
    {
        var outcome = await Handler().HandleAsync(Request(objectJson), CancellationToken.None);

        Assert.Equal((false, Decisions.Denied), (outcome.Allowed, outcome.Decision));
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_MalformedButNotOptedIn_AllowedForTheApiServerToValidate()
    {
        var outcome = await Handler().HandleAsync(Request("{\"kind\":\"Pod\",\"spec\":{\"containers\":5}}"), CancellationToken.None);

        Assert.Equal((true, Decisions.Skipped), (outcome.Allowed, outcome.Decision));
    }

    [Fact]
    public async Task HandleAsync_NotAnnotated_AllowedWithoutPatch()
    {
        var outcome = await Handler().HandleAsync(Request("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[]}}"), CancellationToken.None);

        Assert.Equal((true, Decisions.Skipped, (byte[]?)null), (outcome.Allowed, outcome.Decision, outcome.Patch));
    }

    [Fact]
    public async Task HandleAsync_InvalidOptIn_Denied()
    {
        var outcome = await Handler().HandleAsync(Request(Annotated().Replace("\"true\"", "\"on\"", StringComparison.Ordinal)), CancellationToken.None);

        Assert.False(outcome.Allowed);
        Assert.Contains("has the value \"on\"", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_AlreadyInjected_AllowedWithoutPatchOrProvisioning()
    {
        var first = await Handler().HandleAsync(Request(Annotated()), CancellationToken.None);
        var patched = JsonPatchOracle.Apply(JsonNode.Parse(Annotated())!, first.Patch!);

        var second = await Handler().HandleAsync(Request(patched.ToJsonString()), CancellationToken.None);

        Assert.Equal((true, Decisions.AlreadyInjected, (byte[]?)null), (second.Allowed, second.Decision, second.Patch));
        Assert.Single(provisioner.Requests);
    }

    [Fact]
    public async Task HandleAsync_Warnings_AreReturned()
    {
        var json = Annotated().Replace("\"image\":\"a\"", "\"image\":\"a\",\"readinessProbe\":{\"httpGet\":{\"port\":\"missing\"}}", StringComparison.Ordinal);

        var outcome = await Handler().HandleAsync(Request(json), CancellationToken.None);

        Assert.Contains(outcome.Warnings!, w => w.Contains("\"missing\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_ServerVersion_DecidesNativeSidecar()
    {
        var outcome = await Handler(new Version(1, 30, 1)).HandleAsync(Request(Annotated()), CancellationToken.None);

        var patched = JsonPatchOracle.Apply(JsonNode.Parse(Annotated())!, outcome.Patch!);
        Assert.Equal("Always", (string)patched["spec"]!["initContainers"]![0]!["restartPolicy"]!);
    }

    [Fact]
    public async Task HandleAsync_ManagedFieldsAndUnknownFields_AreNotTouched()
    {
        var json = Annotated().Replace("\"name\":\"web\",", "\"name\":\"web\",\"managedFields\":[{\"manager\":\"m\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:name\":{}}}}],", StringComparison.Ordinal)
            .Replace("\"image\":\"a\"", "\"image\":\"a\",\"futureField\":{\"x\":1}", StringComparison.Ordinal);

        var outcome = await Handler().HandleAsync(Request(json), CancellationToken.None);

        var ops = JsonPatchOracle.Operations(outcome.Patch!).Select(op => (string)op!["path"]!).ToList();
        Assert.DoesNotContain(ops, p => p.Contains("managedFields", StringComparison.Ordinal) || p.Contains("futureField", StringComparison.Ordinal));
        var patched = JsonPatchOracle.Apply(JsonNode.Parse(json)!, outcome.Patch!);
        Assert.Equal(1, (int)patched["spec"]!["containers"]![0]!["futureField"]!["x"]!);
        Assert.Equal("m", (string)patched["metadata"]!["managedFields"]![0]!["manager"]!);
    }
}
