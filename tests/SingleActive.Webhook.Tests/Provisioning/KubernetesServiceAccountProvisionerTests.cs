using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SingleActive.Contract;
using SingleActive.Core.Metrics;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Metrics;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Injection;
using SingleActive.Webhook.Tests.Kube.ApiConnection;

// Not "...Tests.Provisioning": other tests qualify "Provisioning.ServiceAccountRequest" relative to SingleActive.Webhook.Tests.
namespace SingleActive.Webhook.Tests.Provisioners;

/// <summary>
/// The paths that need no API server: none configured, one that refuses connections, one that never answers.
/// The API paths themselves run against a real kube-apiserver (<see cref="ProvisionerControlPlaneTests"/>).
/// </summary>
public sealed class KubernetesServiceAccountProvisionerTests
{
    private static readonly ServiceAccountRequest Request = new("team-a", "single-active-elector", true, ElectorMode.Readiness);
    private readonly WebhookMetrics metrics = new(new MetricsRegistry());

    [Fact]
    public async Task EnsureAsync_NoClusterConnection_ThrowsSayingWhatToConfigure()
    {
        var provisioner = Create(ClusterConnection.None);

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.EnsureAsync(Request, CancellationToken.None));

        Assert.Equal("cannot make sure ServiceAccount team-a/single-active-elector exists: no Kubernetes API configured (set KUBECONFIG or run in a cluster)", e.Message);
    }

    [Fact]
    public async Task EnsureAsync_FailureIsNotCached_EveryAttemptFailsAndIsCounted()
    {
        var provisioner = Create(ClusterConnection.None);

        await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.EnsureAsync(Request, CancellationToken.None));
        await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.EnsureAsync(Request, CancellationToken.None));

        Assert.Equal(2, metrics.Provisioning.Value("error"));
        Assert.Equal(0, metrics.Provisioning.Value("cached"));
    }

    [Fact]
    public async Task EnsureAsync_ApiRefusesConnections_NamesVerbAndObject()
    {
        using var connection = UnreachableApi.Refusing();
        var provisioner = Create(connection);

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.EnsureAsync(Request, CancellationToken.None));

        Assert.StartsWith("cannot create ServiceAccount team-a/single-active-elector: the Kubernetes API cannot be reached", e.Message);
    }

    [Fact]
    public async Task EnsureAsync_ExistingAccount_StartsWithTheRoleBinding()
    {
        using var connection = UnreachableApi.Refusing();
        var provisioner = Create(connection);

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.EnsureAsync(Request with { CreateServiceAccount = false }, CancellationToken.None));

        Assert.StartsWith("cannot create RoleBinding team-a/single-active-elector-single-active-elector:", e.Message);
    }

    [Fact]
    public async Task EnsureAsync_ApiNeverAnswers_TimesOutWithMessage()
    {
        using var silent = UnreachableApi.StartSilent();
        var provisioner = Create(silent.Connection, timeout: TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.EnsureAsync(Request, CancellationToken.None));

        Assert.Contains("did not answer within 0.3 s", e.Message);
    }

    [Theory]
    [InlineData(ElectorMode.Readiness, new[] { "single-active-elector" })]
    [InlineData(ElectorMode.Label, new[] { "single-active-elector", "single-active-elector-label" })]
    public void ClusterRolesFor_Mode_BindsTheLabelRoleOnlyInLabelMode(ElectorMode mode, string[] expected) =>
        Assert.Equal(expected, ElectorRbacNames.ClusterRolesFor(mode));

    [Fact]
    public void RoleBindingName_LongAccountName_StaysWithin253AndUnique()
    {
        var a = new string('a', 250);
        var b = new string('a', 249) + "b";

        var nameA = ElectorRbacNames.RoleBindingName(ElectorRbacNames.LabelClusterRole, a);
        var nameB = ElectorRbacNames.RoleBindingName(ElectorRbacNames.LabelClusterRole, b);

        Assert.Equal(253, nameA.Length);
        Assert.NotEqual(nameA, nameB);
        Assert.StartsWith("single-active-elector-label-aaa", nameA);
        Assert.Equal("single-active-elector-app", ElectorRbacNames.RoleBindingName(ElectorRbacNames.ElectorClusterRole, "app"));
    }

    [Fact]
    public void NodeClusterRoleBindingName_LongAccountName_StaysWithin253AndUnique()
    {
        var ns = new string('n', 63);
        var a = new string('a', 253);
        var b = new string('a', 252) + "b";

        var nameA = ElectorRbacNames.NodeClusterRoleBindingName(ns, a);
        var nameB = ElectorRbacNames.NodeClusterRoleBindingName(ns, b);

        Assert.Equal(253, nameA.Length);
        Assert.NotEqual(nameA, nameB);
        Assert.StartsWith($"single-active-elector-node:{ns}:aaa", nameA);
        Assert.Equal("single-active-elector-node:shop:app", ElectorRbacNames.NodeClusterRoleBindingName("shop", "app"));
    }

    [Theory]
    [InlineData(5000, 3000, true)]
    [InlineData(5000, 0, true)]
    [InlineData(5000, 5000, false)]
    [InlineData(5000, -1, false)]
    public void Validator_TokenSecretWait_MustFitInsideTheTimeout(int timeoutMs, int waitMs, bool valid)
    {
        var result = new ProvisioningOptionsValidator().Validate(null, new ProvisioningOptions
        {
            Timeout = TimeSpan.FromMilliseconds(timeoutMs),
            TokenSecretWait = TimeSpan.FromMilliseconds(waitMs),
        });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Provisioning:TokenSecretWait must be at least 0 and below Provisioning:Timeout", result.FailureMessage);
        }
    }

    private KubernetesServiceAccountProvisioner Create(ClusterConnection connection, TimeSpan? timeout = null) => new(
        connection,
        new FixedClusterVersion(null),
        Options.Create(new ProvisioningOptions { Timeout = timeout ?? TimeSpan.FromSeconds(5) }),
        TimeProvider.System,
        metrics,
        NullLogger<KubernetesServiceAccountProvisioner>.Instance);
}
