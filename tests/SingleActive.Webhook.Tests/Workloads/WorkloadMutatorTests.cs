using SingleActive.Contract;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

public class WorkloadMutatorTests
{
    private const string Switched = "was switched from ServiceAccount \"default\" to \"single-active-elector\"";

    private readonly WorkloadMutator mutator = new(TestWorkloads.Injector());

    [Fact]
    public void Mutate_NotOptedIn_LeavesEverythingAlone()
    {
        var deployment = TestWorkloads.Deployment(templateAnnotations: "", spec: "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\"}}");

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.True(result.Allowed);
        Assert.False(result.OptedIn);
        Assert.Empty(result.Warnings);
        Assert.Equal("25%", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    /// <summary>Only the opt-in is read on the workload itself: a setting put there is said to be ignored, and where it belongs.</summary>
    [Fact]
    public void Mutate_SettingOnTheDeploymentItself_WarnsItIsIgnoredAndNamesTheTemplate()
    {
        var deployment = TestWorkloads.Deployment(annotations: "\"single-active.io/mode\":\"label\"");

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Equal(ElectorMode.Readiness, result.Mode);
        Assert.Contains(result.Warnings, w => w.StartsWith("single-active: annotation \"single-active.io/mode\" on Deployment", StringComparison.Ordinal)
            && w.Contains("is not read there and is ignored: single-active settings are pod template annotations (spec.template.metadata.annotations)", StringComparison.Ordinal));
    }

    /// <summary>kustomize's commonAnnotations writes the same key and value on the Deployment and its template: in effect, no warning.</summary>
    [Fact]
    public void Mutate_SettingOnDeploymentAndTemplateAlike_NoWarningAboutIt()
    {
        var deployment = TestWorkloads.Deployment(
            annotations: "\"single-active.io/mode\":\"label\"",
            templateAnnotations: "\"single-active\":\"true\",\"single-active.io/mode\":\"label\"");

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Equal(ElectorMode.Label, result.Mode);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("is not read there", StringComparison.Ordinal));
    }

    /// <summary>A workload that does not opt in is none of single-active's business, whatever its own annotations hold.</summary>
    [Fact]
    public void Mutate_SettingOnADeploymentThatDoesNotOptIn_NoWarning()
    {
        var deployment = TestWorkloads.Deployment(annotations: "\"single-active.io/mode\":\"label\"", templateAnnotations: "");

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.False(result.OptedIn);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Mutate_ReadinessDeployment_StrategyChangedWithWarning()
    {
        var deployment = TestWorkloads.Deployment();

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Equal((true, ElectorMode.Readiness), (result.OptedIn, result.Mode));
        Assert.Equal("100%", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Contains(result.Warnings, w => w.Contains("maxUnavailable", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"single-active\":\"true\",\"single-active.io/mode\":\"label\"", ElectorMode.Label)]
    [InlineData("\"single-active\":\"true\",\"single-active.io/mode\":\"LABEL\"", ElectorMode.Label)]
    public void Mutate_LabelMode_NoStrategyOrPolicyChange(string templateAnnotations, ElectorMode mode)
    {
        var deployment = TestWorkloads.Deployment(templateAnnotations: templateAnnotations, spec: "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\"}}");
        var set = TestWorkloads.StatefulSet(templateAnnotations: templateAnnotations, spec: "\"replicas\":3,\"podManagementPolicy\":\"OrderedReady\"");

        var forDeployment = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));
        var forSet = this.mutator.Mutate(set, new WorkloadRequest(IsCreate: true));

        Assert.Equal((mode, mode), (forDeployment.Mode!.Value, forSet.Mode!.Value));
        Assert.Equal("25%", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("OrderedReady", set.Spec.PodManagementPolicy);

        // Only the ServiceAccount switch is said (the template is on "default"); nothing about the rollout.
        Assert.All(forDeployment.Warnings.Concat(forSet.Warnings), w => Assert.Contains(Switched, w, StringComparison.Ordinal));
    }

    [Fact]
    public void Mutate_DefaultModeLabelFromOptions_NoStrategyChange()
    {
        var mutator = new WorkloadMutator(TestWorkloads.Injector(o => o.Mode = ElectorMode.Label));
        var deployment = TestWorkloads.Deployment(spec: "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\"}}");

        var result = mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Equal(ElectorMode.Label, result.Mode);
        Assert.Equal("25%", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Theory]
    // template overrides that break the safety bound or the election's own rules
    [InlineData("\"single-active.io/lease-duration\":\"12s\"", "10s + 1s × 1 + 1s = 12s is not less than 12s")]
    [InlineData("\"single-active.io/probe-period\":\"5s\"", "10s + 5s × 1 + 1s = 16s is not less than 15s")]
    [InlineData("\"single-active.io/renew-deadline\":\"14s\"", "14s + 1s × 1 + 1s = 16s is not less than 15s")]
    [InlineData("\"single-active.io/retry-period\":\"9s\"", "renew deadline (10s) must be greater than 1.2 × retry period (9s)")]
    public void Mutate_UnsafeTimingOverrides_DeniedWithTheInequality(string overrides, string expected)
    {
        var deployment = TestWorkloads.Deployment(templateAnnotations: "\"single-active\":\"true\"," + overrides);

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.False(result.Allowed);
        Assert.StartsWith("Deployment shop/web cannot be admitted because its pods would be denied:", result.Denial, StringComparison.Ordinal);
        Assert.Contains(expected, result.Denial, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_TimingOverridesCopiedFromWorkloadOptIn_CheckedAfterTheCopy()
    {
        var deployment = TestWorkloads.Deployment(annotations: "\"single-active\":\"true\"", templateAnnotations: "\"single-active.io/lease-duration\":\"5s\"");

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: false));

        Assert.False(result.Allowed);
        Assert.Contains("lease duration (5s) must be greater than the renew deadline (10s)", result.Denial, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"single-active.io/mode\":\"leader\"", "annotation \"single-active.io/mode\" on pod \"web-*\" in namespace \"shop\" is \"leader\"")]
    [InlineData("\"single-active.io/lease-duration\":\"soon\"", "annotation \"single-active.io/lease-duration\" on pod \"web-*\" in namespace \"shop\" is \"soon\"")]
    [InlineData("\"single-active.io/drain-taints\":\"karpenter.sh/disrupted,\"", "annotation \"single-active.io/drain-taints\" on pod \"web-*\" in namespace \"shop\" is \"karpenter.sh/disrupted,\"; entry 2 is empty; expected comma-separated taint keys, each optionally =value")]
    public void Mutate_BadTemplateOverride_DeniedNamingTheAnnotation(string overrides, string expected)
    {
        var result = this.mutator.Mutate(TestWorkloads.Deployment(templateAnnotations: "\"single-active\":\"true\"," + overrides), new WorkloadRequest(IsCreate: true));

        Assert.Contains(expected, result.Denial, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_HostNetworkTemplateWithoutPort_DeniedAtTheWorkload()
    {
        var deployment = TestWorkloads.Deployment();
        deployment.Spec.Template.Spec.HostNetwork = true;

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Contains("hostNetwork", result.Denial, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_WindowsTemplate_DeniedAtTheWorkload()
    {
        var deployment = TestWorkloads.Deployment();
        deployment.Spec.Template.Spec.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "windows" };

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Contains("Deployment shop/web cannot be admitted because its pods would be denied: pod \"web-*\" in namespace \"shop\" can run only on Windows nodes", result.Denial, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_TemplateOnDefaultWithACloudIdentity_DeniedAtTheWorkload()
    {
        var deployment = TestWorkloads.Deployment();
        deployment.Spec.Template.Spec.Containers[0].Env = [new k8s.Models.V1EnvVar { Name = "AWS_ROLE_ARN", Value = "arn:aws:iam::1:role/web" }];

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Contains("container \"app\" has the env var AWS_ROLE_ARN", result.Denial, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_TemplateOnDefault_WarnsAboutTheSwitch()
    {
        var result = this.mutator.Mutate(TestWorkloads.Deployment(), new WorkloadRequest(IsCreate: true));

        Assert.Contains(result.Warnings, w => w.Contains("was switched from ServiceAccount \"default\" to \"single-active-elector\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Mutate_Webhook_DoesNotInjectTheTemplate()
    {
        var deployment = TestWorkloads.Deployment();

        var result = this.mutator.Mutate(deployment, new WorkloadRequest(IsCreate: true));

        Assert.Null(result.ServiceAccount);
        Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.False(deployment.Spec.Template.Metadata.Annotations.ContainsKey(Annotations.Status));
    }

    [Fact]
    public void Mutate_Offline_InjectsTheTemplateWithTheWorkloadAsLease()
    {
        var set = TestWorkloads.StatefulSet();

        var result = this.mutator.Mutate(set, new WorkloadRequest(IsCreate: true, Namespace: "shop", InjectTemplate: TemplateInjection.VersionsUnknown));

        Assert.Equal(new Provisioning.ServiceAccountRequest("shop", "single-active-elector", true, ElectorMode.Readiness), result.ServiceAccount);
        Assert.Contains(set.Spec.Template.Spec.Containers, c => c.Name == ElectorHttp.ContainerName);
        Assert.Contains("\"lease\":\"db\"", set.Spec.Template.Metadata.Annotations[Annotations.Status], StringComparison.Ordinal);
        Assert.Null(set.Spec.Template.Metadata.GenerateName);
        Assert.Equal("Parallel", set.Spec.PodManagementPolicy);
    }

    [Fact]
    public void Mutate_OfflineTwice_SecondRunChangesNothing()
    {
        var deployment = TestWorkloads.Deployment();
        var request = new WorkloadRequest(IsCreate: true, Namespace: "shop", InjectTemplate: TemplateInjection.VersionsUnknown);
        this.mutator.Mutate(deployment, request);
        var once = k8s.KubernetesJson.Serialize(deployment);

        var second = this.mutator.Mutate(deployment, request);

        Assert.True(second.OptedIn);
        Assert.Null(second.ServiceAccount);
        Assert.Empty(second.Warnings);
        Assert.Equal(once, k8s.KubernetesJson.Serialize(deployment));
    }

    [Fact]
    public void Mutate_StatefulSetUpdateWithUnchangedTemplate_OnlyThePolicyWarning()
    {
        var set = TestWorkloads.StatefulSet(spec: "\"replicas\":3,\"podManagementPolicy\":\"OrderedReady\"");
        var previous = TestWorkloads.StatefulSet(spec: "\"replicas\":2,\"podManagementPolicy\":\"OrderedReady\"").Spec.Template;

        var result = this.mutator.Mutate(set, new WorkloadRequest(IsCreate: false, PreviousTemplate: previous));

        var warning = Assert.Single(result.Warnings, w => !w.Contains(Switched, StringComparison.Ordinal));
        Assert.Contains("--cascade=orphan", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutate_StatefulSetAnnotatedOnUpdate_WarnsAboutTheRollingUpdate()
    {
        var set = TestWorkloads.StatefulSet(annotations: "\"single-active\":\"true\"", templateAnnotations: "", spec: "\"replicas\":3,\"podManagementPolicy\":\"Parallel\"");
        var previous = TestWorkloads.StatefulSet(templateAnnotations: "").Spec.Template;

        var result = this.mutator.Mutate(set, new WorkloadRequest(IsCreate: false, PreviousTemplate: previous));

        Assert.Equal(3, result.Warnings.Count);
        Assert.Contains("copied the annotation", result.Warnings[0], StringComparison.Ordinal);
        Assert.Contains(Switched, result.Warnings[1], StringComparison.Ordinal);
        Assert.Contains("stops after the first replaced standby", result.Warnings[2], StringComparison.Ordinal);
    }

    private const string Renamed = "\"single-active\":\"true\",\"single-active.io/lease-name\":\"web-v2\"";

    [Theory]
    [InlineData("Deployment", "deployment/web", "web", true)]
    [InlineData("StatefulSet", "statefulset/db", "db", false)]
    public void Mutate_LeaseChangedWhilePodsMayRun_DeniedNamingBothLeasesAndTheFix(string kind, string reference, string before, bool offersRecreate)
    {
        var stored = kind == "Deployment" ? TestWorkloads.Deployment().Spec.Template : TestWorkloads.StatefulSet().Spec.Template;
        var request = new WorkloadRequest(IsCreate: false, PreviousTemplate: stored, Namespace: "shop", PreviousMayRunPods: true);

        var result = kind == "Deployment"
            ? this.mutator.Mutate(TestWorkloads.Deployment(templateAnnotations: Renamed), request)
            : this.mutator.Mutate(TestWorkloads.StatefulSet(templateAnnotations: Renamed), request);

        Assert.False(result.Allowed);
        Assert.Contains($"may run pods that campaign for Lease \"{before}\", and its changed pod template names Lease \"web-v2\"", result.Denial, StringComparison.Ordinal);
        Assert.Contains("two replicas serving at once", result.Denial, StringComparison.Ordinal);
        Assert.Contains($"set single-active.io/lease-name: \"{before}\" on the pod template", result.Denial, StringComparison.Ordinal);
        Assert.Contains($"kubectl scale {reference} -n shop --replicas=0", result.Denial, StringComparison.Ordinal);
        Assert.Equal(offersRecreate, result.Denial!.Contains("spec.strategy.type: Recreate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"single-active\":\"true\",\"single-active.io/lease-name\":\"web\"", "\"replicas\":3", true)] // named as it was derived
    [InlineData(Renamed, "\"replicas\":0", true)] // scaled to 0 in the same change
    [InlineData(Renamed, "\"replicas\":3", false)] // no pod runs yet
    [InlineData(Renamed, "\"replicas\":3,\"strategy\":{\"type\":\"Recreate\"}", true)] // no new pod while an old one runs
    public void Mutate_LeaseKeptOrNoOverlap_Allowed(string templateAnnotations, string spec, bool previousMayRunPods)
    {
        var request = new WorkloadRequest(IsCreate: false, PreviousTemplate: TestWorkloads.Deployment().Spec.Template, Namespace: "shop", PreviousMayRunPods: previousMayRunPods);

        var result = this.mutator.Mutate(TestWorkloads.Deployment(templateAnnotations: templateAnnotations, spec: spec), request);

        Assert.True(result.Allowed, result.Denial);
    }

    [Fact]
    public void Mutate_ExplicitLeaseRemoved_DeniedAsAChangeBackToTheDerivedName()
    {
        var request = new WorkloadRequest(IsCreate: false, PreviousTemplate: TestWorkloads.Deployment(templateAnnotations: Renamed).Spec.Template, Namespace: "shop", PreviousMayRunPods: true);

        var result = this.mutator.Mutate(TestWorkloads.Deployment(), request);

        Assert.Contains("campaign for Lease \"web-v2\", and its changed pod template names Lease \"web\"", result.Denial, StringComparison.Ordinal);
    }

    /// <summary>A new name that is no Lease name is the injection's to deny, with its own message.</summary>
    [Fact]
    public void Mutate_ChangedToAnInvalidLeaseName_DeniedByTheInjectionNotAsAChange()
    {
        var request = new WorkloadRequest(IsCreate: false, PreviousTemplate: TestWorkloads.Deployment().Spec.Template, Namespace: "shop", PreviousMayRunPods: true);

        var result = this.mutator.Mutate(TestWorkloads.Deployment(templateAnnotations: "\"single-active\":\"true\",\"single-active.io/lease-name\":\"Web_v2\""), request);

        Assert.Contains("which is not a valid Lease name", result.Denial, StringComparison.Ordinal);
        Assert.DoesNotContain("campaign for Lease", result.Denial, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"single-active\":\"true\",\"single-active.io/lease-name\":\"Web_v1\"", true)] // every pod was denied: no valid Lease
    [InlineData("\"single-active\":\"false\"", true)] // did not opt in
    [InlineData("\"single-active\":\"true\",\"single-active.io/status\":\"{\\\"lease\\\":\\\"web-v2\\\"}\"", true)] // offline-injected on web-v2
    [InlineData("\"single-active\":\"true\",\"single-active.io/status\":\"{\\\"lease\\\":\\\"web\\\"}\"", false)] // offline-injected on web
    public void Mutate_StoredTemplateOnAnotherOrNoLease_DecidedByTheLeaseItsPodsHave(string storedAnnotations, bool allowed)
    {
        var request = new WorkloadRequest(IsCreate: false, PreviousTemplate: TestWorkloads.Deployment(templateAnnotations: storedAnnotations).Spec.Template, Namespace: "shop", PreviousMayRunPods: true);

        var result = this.mutator.Mutate(TestWorkloads.Deployment(templateAnnotations: Renamed), request);

        Assert.Equal(allowed, result.Allowed);
    }
}
