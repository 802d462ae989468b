using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Cluster;
using SingleActive.Webhook.Metrics;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Cluster;
using SingleActive.Webhook.Tests.Injection;

namespace SingleActive.Webhook.Tests.Provisioners;

/// <summary>The real provisioner against a real kube-apiserver: objects, idempotency, cache, RBAC errors.</summary>
public sealed class ProvisionerControlPlaneTests(ControlPlane cluster) : IClassFixture<ControlPlane>
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly WebhookMetrics _metrics = new(new MetricsRegistry());

    [Fact]
    public async Task EnsureAsync_ReadinessMode_CreatesLabelledAccountAndBinding()
    {
        var ns = await NamespaceAsync();

        await Create().EnsureAsync(new(ns, "single-active-elector", true, ElectorMode.Readiness), CancellationToken.None);

        var account = await cluster.Admin.CoreV1.ReadNamespacedServiceAccountAsync("single-active-elector", ns);
        Assert.Equal("single-active", account.Metadata.Labels["app.kubernetes.io/managed-by"]);
        var binding = await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-single-active-elector", ns);
        Assert.Equal("single-active", binding.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal(("ClusterRole", "single-active-elector"), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", "single-active-elector", ns), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.DoesNotContain((await cluster.Admin.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns)).Items, b => b.Metadata.Name.Contains("-label-", StringComparison.Ordinal));
        Assert.Equal(1, _metrics.Provisioning.Value("created"));
    }

    [Fact]
    public async Task EnsureAsync_LabelMode_AlsoBindsTheLabelRole()
    {
        var ns = await NamespaceAsync();

        await Create().EnsureAsync(new(ns, "worker", true, ElectorMode.Label), CancellationToken.None);

        var binding = await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-label-worker", ns);
        Assert.Equal("single-active-elector-label", binding.RoleRef.Name);
        Assert.NotNull(await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-worker", ns));
    }

    [Fact]
    public async Task EnsureAsync_UsersOwnAccount_OnlyBindsIt()
    {
        var ns = await NamespaceAsync();

        await Create().EnsureAsync(new(ns, "users-own", false, ElectorMode.Readiness), CancellationToken.None);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Admin.CoreV1.ReadNamespacedServiceAccountAsync("users-own", ns));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        Assert.NotNull(await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-users-own", ns));
    }

    [Fact]
    public async Task EnsureAsync_EverythingExists_SucceedsWithoutWriting()
    {
        var ns = await NamespaceAsync();
        var request = new ServiceAccountRequest(ns, "single-active-elector", true, ElectorMode.Readiness);
        await Create().EnsureAsync(request, CancellationToken.None);

        await Create().EnsureAsync(request, CancellationToken.None);

        Assert.Equal(1, _metrics.Provisioning.Value("created"));
        Assert.Equal(1, _metrics.Provisioning.Value("exists"));
    }

    [Fact]
    public async Task EnsureAsync_WithinCacheTtl_MakesNoApiCallsThenChecksAgain()
    {
        var ns = await NamespaceAsync();
        var request = new ServiceAccountRequest(ns, "cached", true, ElectorMode.Readiness);
        var provisioner = Create();
        await provisioner.EnsureAsync(request, CancellationToken.None);
        await cluster.Admin.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync("single-active-elector-cached", ns);

        await provisioner.EnsureAsync(request, CancellationToken.None);
        Assert.Equal(1, _metrics.Provisioning.Value("cached"));
        Assert.Empty((await cluster.Admin.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns)).Items);

        _time.Advance(TimeSpan.FromMinutes(11));
        await provisioner.EnsureAsync(request, CancellationToken.None);
        Assert.NotNull(await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-cached", ns));
        Assert.Equal(1, _metrics.Provisioning.Value("cached"));
    }

    [Fact]
    public async Task EnsureAsync_BindingWithoutTheAccount_AddsItAsSubject()
    {
        var ns = await NamespaceAsync();
        await cluster.Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(Binding("single-active-elector-app", "single-active-elector", "someone-else"), ns);

        await Create().EnsureAsync(new(ns, "app", false, ElectorMode.Readiness), CancellationToken.None);

        var binding = await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-app", ns);
        Assert.Equal(["someone-else", "app"], binding.Subjects.Select(s => s.Name));
    }

    [Fact]
    public async Task EnsureAsync_BindingToAnotherRole_FailsNamingIt()
    {
        var ns = await NamespaceAsync();
        await cluster.Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(Binding("single-active-elector-app", "view", "app"), ns);

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => Create().EnsureAsync(new(ns, "app", false, ElectorMode.Readiness), CancellationToken.None));

        Assert.Contains($"RoleBinding {ns}/single-active-elector-app already exists but refers to ClusterRole view", e.Message);
    }

    [Fact]
    public async Task EnsureAsync_WebhookLacksPermission_DeniesNamingVerbObjectAndStatus()
    {
        var ns = await NamespaceAsync();
        await cluster.Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "powerless" } }, ns);
        var token = await cluster.Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, "powerless", ns);
        using var restricted = ClusterConnection.FromClient(cluster.ClientWithToken(token.Status.Token), "restricted");

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => Create(restricted).EnsureAsync(new(ns, "single-active-elector", true, ElectorMode.Readiness), CancellationToken.None));

        Assert.StartsWith($"cannot create ServiceAccount {ns}/single-active-elector: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"create\" on serviceaccounts", e.Message);
        Assert.Contains("system:serviceaccount:" + ns + ":powerless", e.Message);
        Assert.Equal(1, _metrics.Provisioning.Value("error"));
    }

    /// <summary>
    /// A 1.20 server rejects a pod whose account has no token Secret yet ("No API token found … retry");
    /// the provisioner returns only once the token controller has written it, so the first pod is admitted.
    /// </summary>
    [Fact]
    public async Task EnsureAsync_Before121_ReturnsOnceTheNewAccountHasItsTokenSecret()
    {
        var ns = await NamespaceAsync();
        var provisioner = Create(serverVersion: new Version(1, 20), time: TimeProvider.System);

        // Several accounts: without the wait, the token controller loses this race often enough to show.
        for (var i = 0; i < 8; i++)
        {
            await provisioner.EnsureAsync(new(ns, $"fresh-{i}", true, ElectorMode.Readiness), CancellationToken.None);

            var account = await cluster.Admin.CoreV1.ReadNamespacedServiceAccountAsync($"fresh-{i}", ns);
            Assert.True(account.Secrets is { Count: > 0 }, $"fresh-{i} has no token Secret yet");
            var pod = new V1Pod
            {
                Metadata = new() { Name = $"first-{i}" },
                Spec = new() { ServiceAccountName = $"fresh-{i}", Containers = [new() { Name = "app", Image = "registry.example/app:1" }] },
            };
            Assert.NotNull(await cluster.Admin.CoreV1.CreateNamespacedPodAsync(pod, ns));
        }
    }

    [Fact]
    public async Task ClusterVersionProbe_RealApiServer_ReadsTheVersion()
    {
        using var connection = ClusterConnection.FromClient(cluster.ClientWithToken(AdminToken()), "admin");
        using var probe = new ClusterVersionProbe(connection, Options.Create(new ClusterOptions()), TimeProvider.System, NullLogger<ClusterVersionProbe>.Instance);

        await probe.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (probe.ServerVersion is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await probe.StopAsync(CancellationToken.None);
        Assert.Equal(1, probe.ServerVersion?.Major);
        Assert.True(probe.ServerVersion!.Minor >= 20);
    }

    [Fact]
    public async Task ServiceAccountLookup_RealApiServer_TellsExistingFromMissing()
    {
        var ns = await NamespaceAsync();
        await cluster.Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "present" } }, ns);
        var lookup = Lookup(ClusterConnection.FromClient(cluster.Admin, "admin"));

        Assert.True(await lookup.ExistsAsync(ns, "present", CancellationToken.None));
        Assert.False(await lookup.ExistsAsync(ns, "single-active-elector", CancellationToken.None));
        Assert.False(await lookup.ExistsAsync(ns + "-gone", "present", CancellationToken.None));
    }

    [Fact]
    public async Task ServiceAccountLookup_WithoutGetPermission_CannotTell()
    {
        var ns = await NamespaceAsync();
        await cluster.Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = "powerless" } }, ns);
        var token = await cluster.Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, "powerless", ns);
        using var restricted = ClusterConnection.FromClient(cluster.ClientWithToken(token.Status.Token), "restricted");

        Assert.Null(await Lookup(restricted).ExistsAsync(ns, "powerless", CancellationToken.None));
    }

    /// <summary>kube-apiserver's own certificate file holds the leaf, then its CA: the whole bundle must be trusted.</summary>
    [Fact]
    public async Task ClusterConnection_CaFileWithApiServersLeafAndCa_Connects()
    {
        var admin = KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster.KubeconfigPath);
        var served = Path.Combine(cluster.Directory, "apiserver-certs", "apiserver.crt");
        Assert.True(File.ReadAllText(served).Split("BEGIN CERTIFICATE").Length > 2, $"{served} should hold the leaf and its CA");
        var kubeconfig = Path.Combine(cluster.Directory, "bundle-kubeconfig");
        TestKubeconfig.Write(kubeconfig, admin.Host, $"certificate-authority: {served}", admin.AccessToken);

        using var connection = ClusterConnection.Create(kubeconfig, _ => null);

        Assert.Equal("1", (await connection.Client!.Version.GetCodeAsync()).Major);
    }

    private static KubernetesServiceAccountLookup Lookup(ClusterConnection connection) => new(
        connection, Options.Create(new ProvisioningOptions()), TimeProvider.System, NullLogger<KubernetesServiceAccountLookup>.Instance);

    private string AdminToken() => KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster.KubeconfigPath).AccessToken;

    private static V1RoleBinding Binding(string name, string clusterRole, string account) => new()
    {
        Metadata = new() { Name = name },
        RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = clusterRole },
        Subjects = [new() { Kind = "ServiceAccount", Name = account }],
    };

    private async Task<string> NamespaceAsync()
    {
        var name = "prov-" + Guid.NewGuid().ToString("N")[..10];
        await cluster.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = name } });
        return name;
    }

    private KubernetesServiceAccountProvisioner Create(ClusterConnection? connection = null, Version? serverVersion = null, TimeProvider? time = null) => new(
        connection ?? ClusterConnection.FromClient(cluster.Admin, "admin"),
        new FixedClusterVersion(serverVersion),
        Options.Create(new ProvisioningOptions()),
        time ?? _time,
        _metrics,
        NullLogger<KubernetesServiceAccountProvisioner>.Instance);
}
