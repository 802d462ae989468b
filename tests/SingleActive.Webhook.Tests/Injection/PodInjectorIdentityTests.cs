using SingleActive.Contract;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.Injection;
using static SingleActive.Webhook.Tests.Injection.Rendered;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>render: the ServiceAccount and the Lease name.</summary>
public class PodInjectorIdentityTests
{
    private const string On = "\"single-active\":\"true\"";

    [Theory]
    [InlineData("", null, "single-active-elector", true)]
    [InlineData("\"serviceAccountName\":\"default\"", null, "single-active-elector", true)]
    [InlineData("\"serviceAccountName\":\"default\",\"serviceAccount\":\"default\"", "single-active-elector", "single-active-elector", true)]
    [InlineData("\"serviceAccountName\":\"ledger-sa\",\"serviceAccount\":\"ledger-sa\"", "ledger-sa", "ledger-sa", false)]
    [InlineData("\"serviceAccount\":\"legacy-sa\"", "legacy-sa", "legacy-sa", false)]
    public void Inject_ServiceAccount_DefaultIsSwitchedOwnIsKept(string spec, string? deprecatedField, string expected, bool create)
    {
        var result = Inject(TestPods.Pod(spec: spec));

        var actual = string.IsNullOrEmpty(result.Pod.Spec.ServiceAccountName) ? result.Pod.Spec.ServiceAccount : result.Pod.Spec.ServiceAccountName;
        Assert.Equal(expected, actual);
        Assert.Equal(deprecatedField, result.Pod.Spec.ServiceAccount);
        Assert.Equal(new SingleActive.Webhook.Provisioning.ServiceAccountRequest("shop", expected, create, ElectorMode.Readiness), result.ServiceAccount);
        Assert.Equal(expected, result.Status.ServiceAccount);
    }

    /// <summary>Dry runs create nothing: without the dedicated account the pod keeps its own, and a warning says what a real create does.</summary>
    [Theory]
    [InlineData(ServiceAccountAvailability.Assumed, "", null, "single-active-elector", true, null)]
    [InlineData(ServiceAccountAvailability.Missing, "", null, "default", false, "does not exist yet in this namespace")]
    [InlineData(ServiceAccountAvailability.Missing, "\"serviceAccountName\":\"default\"", "default", "default", false, "does not exist yet in this namespace")]
    [InlineData(ServiceAccountAvailability.Missing, "\"serviceAccountName\":\"default\",\"serviceAccount\":\"default\"", "default", "default", false, "does not exist yet")]
    [InlineData(ServiceAccountAvailability.Unknown, "\"serviceAccountName\":\"default\"", "default", "default", false, "could not be checked")]
    [InlineData(ServiceAccountAvailability.Missing, "\"serviceAccountName\":\"ledger-sa\"", "ledger-sa", "ledger-sa", false, null)]
    public void Inject_DedicatedAccountAvailability_DecidesTheSwitch(
        ServiceAccountAvailability dedicated, string spec, string? specAccount, string expected, bool create, string? warning)
    {
        var result = Inject(TestPods.Pod(spec: spec), dedicated: dedicated);

        Assert.Equal(create ? "single-active-elector" : specAccount, result.Pod.Spec.ServiceAccountName);
        Assert.Equal(new SingleActive.Webhook.Provisioning.ServiceAccountRequest("shop", expected, create, ElectorMode.Readiness), result.ServiceAccount);
        Assert.Equal(expected, result.Status.ServiceAccount);
        Assert.Contains("\"serviceAccount\":\"" + expected + "\"", result.Pod.Metadata.Annotations[Annotations.Status], StringComparison.Ordinal);
        Assert.Single(result.Pod.Spec.Containers, c => c.Name == ElectorHttp.ContainerName);
        if (warning is null)
        {
            // A real switch is always said (not a dry-run warning).
            Assert.All(result.Warnings, w => Assert.Contains("was switched from ServiceAccount \"default\" to \"single-active-elector\"", w, StringComparison.Ordinal));
            Assert.Equal(create ? 1 : 0, result.Warnings.Count);
        }
        else
        {
            var text = Assert.Single(result.Warnings);
            Assert.Contains(warning, text, StringComparison.Ordinal);
            Assert.EndsWith(
                $"keeps ServiceAccount \"{expected}\"; a real create would switch the pod to ServiceAccount \"single-active-elector\" " +
                $"({(dedicated == ServiceAccountAvailability.Missing ? "created then" : "created then if missing")}, with its RoleBinding to the elector's ClusterRole)",
                text,
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Inject_ServiceAccountOption_NamesTheDedicatedAccount()
    {
        var result = Inject(TestPods.Pod(), new InjectorOptions { ServiceAccountName = "elector" });

        Assert.Equal(("elector", true), (result.ServiceAccount.ServiceAccountName, result.ServiceAccount.CreateServiceAccount));
    }

    [Theory]
    [InlineData("\"generateName\":\"checkout-7bf89b9c66-\",\"labels\":{\"pod-template-hash\":\"7bf89b9c66\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"checkout-7bf89b9c66\",\"uid\":\"u\",\"controller\":true}]", null, "checkout")]
    [InlineData("\"generateName\":\"web-6c54f7d4b9-\",\"labels\":{\"rollouts-pod-template-hash\":\"6c54f7d4b9\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-6c54f7d4b9\",\"uid\":\"u\",\"controller\":true}]", null, "web")]
    [InlineData("\"generateName\":\"rs-manual-\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"rs-manual\",\"uid\":\"u\",\"controller\":true}]", null, "rs-manual")]
    [InlineData("\"name\":\"ledger-1\",\"generateName\":\"ledger-\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"name\":\"ledger\",\"uid\":\"u\",\"controller\":true}]", null, "ledger")]
    [InlineData("\"generateName\":\"job-worker-\",\"ownerReferences\":[{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"name\":\"job-worker\",\"uid\":\"u\",\"controller\":true}]", null, "job-worker")]
    [InlineData("\"generateName\":\"batch--\"", null, "batch")]
    [InlineData("\"name\":\"solo\"", "ignored", "solo")]
    [InlineData("\"labels\":{}", "from-template", "from-template")]
    public void Inject_LeaseName_IsDerivedFromTheOwner(string metadata, string? hint, string expected)
    {
        var result = Inject(TestPods.Pod(metadata: metadata), hint: hint);

        Assert.Equal(expected, result.Status.Lease);
        Assert.Equal(expected, Env(Elector(result.Pod))["SINGLE_ACTIVE_LEASE_NAME"]);
    }

    [Fact]
    public void Inject_LeaseNameAnnotation_WinsOverTheOwner()
    {
        var pod = TestPods.Pod($"{On},\"single-active.io/lease-name\":\"orders\"", metadata: "\"name\":\"ledger-0\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"name\":\"ledger\",\"uid\":\"u\",\"controller\":true}]");

        Assert.Equal("orders", Inject(pod).Status.Lease);
    }

    [Fact]
    public void Inject_NoNameAnywhere_IsDeniedAskingForTheAnnotation()
    {
        var result = new PodInjector(new InjectorOptions()).Inject(TestPods.Pod(metadata: "\"labels\":{}"), new InjectionContext("shop"));

        Assert.Equal(Decisions.Denied, result.Decision);
        Assert.Contains("cannot derive a Lease name", result.Message, StringComparison.Ordinal);
    }
}
