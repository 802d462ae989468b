using SingleActive.Contract;
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

    [Fact]
    public void Inject_ServiceAccountOption_NamesTheDedicatedAccount()
    {
        var result = Inject(TestPods.Pod(), new InjectorOptions { ServiceAccountName = "elector" });

        Assert.Equal(("elector", true), (result.ServiceAccount.ServiceAccountName, result.ServiceAccount.CreateServiceAccount));
    }

    [Theory]
    [InlineData("\"generateName\":\"checkout-7bf89b9c66-\",\"labels\":{\"pod-template-hash\":\"7bf89b9c66\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"checkout-7bf89b9c66\",\"uid\":\"u\",\"controller\":true}]", null, "checkout")]
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

        Assert.Contains("cannot derive a Lease name", Assert.IsType<PodInjection.Denied>(result).Message, StringComparison.Ordinal);
    }
}
