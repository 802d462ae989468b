using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Metrics;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Metrics;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Injection;
using SingleActive.Webhook.Tests.Kube.ApiConnection;

namespace SingleActive.Webhook.Tests.Provisioners;

/// <summary>The real provisioner against a real kube-apiserver: objects, idempotency, cache, RBAC errors.</summary>
public sealed class ProvisionerControlPlaneTests(ControlPlane cluster) : IClassFixture<ControlPlane>, IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly WebhookMetrics metrics = new(new MetricsRegistry());
    private readonly RecordingLogger<KubernetesServiceAccountProvisioner> log = new();

    /// <summary>Keeps a deleted namespace Terminating for as long as a test needs it.</summary>
    private const string HoldFinalizer = "tests.single-active.io/hold";

    /// <summary>As deploy/ installs them: the node-reading ClusterRole and its binding, without subjects.</summary>
    public async Task InitializeAsync()
    {
        await IgnoreConflictAsync(() => cluster.Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new() { Name = ElectorRbacNames.NodeClusterRole },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["get", "list", "watch"] }],
        }));
        await NodeBindingAsync(ElectorRbacNames.NodeClusterRole);
    }

    public Task DisposeAsync() => Task.CompletedTask;

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
        Assert.Equal(1, metrics.Provisioning.Value("created"));
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

        Assert.Equal(1, metrics.Provisioning.Value("created"));
        Assert.Equal(1, metrics.Provisioning.Value("exists"));
    }

    [Fact]
    public async Task EnsureAsync_WithinCacheTtl_WritesNothingThenChecksAgain()
    {
        var ns = await NamespaceAsync();
        var request = new ServiceAccountRequest(ns, "cached", true, ElectorMode.Readiness);
        var provisioner = Create();
        await provisioner.EnsureAsync(request, CancellationToken.None);
        await cluster.Admin.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync("single-active-elector-cached", ns);

        await provisioner.EnsureAsync(request, CancellationToken.None);
        Assert.Equal(1, metrics.Provisioning.Value("cached"));
        Assert.Empty((await cluster.Admin.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns)).Items);

        this.time.Advance(TimeSpan.FromMinutes(11));
        await provisioner.EnsureAsync(request, CancellationToken.None);
        Assert.NotNull(await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-cached", ns));
        Assert.Equal(1, metrics.Provisioning.Value("cached"));
    }

    /// <summary>
    /// CI and preview environments delete a namespace and create it again under the same name within minutes: the objects
    /// went with the old one, so a cached success must not stand for the new namespace (the API server would refuse its
    /// pods: their account does not exist).
    /// </summary>
    [Fact]
    public async Task EnsureAsync_NamespaceDeletedAndCreatedAgainWithinCacheTtl_ProvisionsAgain()
    {
        var ns = await NamespaceAsync();
        var request = new ServiceAccountRequest(ns, "single-active-elector", true, ElectorMode.Readiness);
        var provisioner = Create();
        await provisioner.EnsureAsync(request, CancellationToken.None);
        await provisioner.EnsureAsync(request, CancellationToken.None);
        Assert.Equal((1, 1), (metrics.Provisioning.Value("created"), metrics.Provisioning.Value("cached")));

        await cluster.Admin.CoreV1.DeleteNamespaceAsync(ns);
        await GoneAsync(ns);
        await cluster.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = ns } });
        await provisioner.EnsureAsync(request, CancellationToken.None);

        Assert.Equal((2, 1), (metrics.Provisioning.Value("created"), metrics.Provisioning.Value("cached")));
        Assert.NotNull(await cluster.Admin.CoreV1.ReadNamespacedServiceAccountAsync("single-active-elector", ns));
        Assert.NotNull(await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-single-active-elector", ns));
        var recreated = Assert.Single(log.Entries, e => e.EventId == 3008);
        Assert.Equal($"Namespace {ns} was deleted and created again since its elector account was provisioned: provisioning {ns}/single-active-elector again", recreated.Message);
    }

    /// <summary>A webhook whose ClusterRole predates <c>get</c> on namespaces trusts its cache as before, and says once what it cannot see.</summary>
    [Fact]
    public async Task EnsureAsync_MayNotGetNamespaces_TrustsTheCacheAndWarnsOncePerCachePeriod()
    {
        var ns = await NamespaceAsync();
        using var webhook = await WebhookAccountAsync(ns,
        [
            new() { ApiGroups = [""], Resources = ["serviceaccounts"], Verbs = ["get", "create"] },
            new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["rolebindings"], Verbs = ["get", "create", "update"] },
            new() { ApiGroups = [""], Resources = ["namespaces"], Verbs = ["list"] },
            new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["clusterroles"], Verbs = ["bind"], ResourceNames = ["single-active-elector", "single-active-elector-node"] },
            new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["clusterrolebindings"], Verbs = ["get", "update"], ResourceNames = ["single-active-elector-node"] },
        ]);
        var request = new ServiceAccountRequest(ns, "single-active-elector", true, ElectorMode.Readiness);
        var provisioner = Create(webhook);

        await provisioner.EnsureAsync(request, CancellationToken.None);
        await provisioner.EnsureAsync(request, CancellationToken.None);

        Assert.Equal((1, 1), (metrics.Provisioning.Value("created"), metrics.Provisioning.Value("cached")));
        var warning = Assert.Single(log.Entries, e => e.EventId == 3009);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith($"cannot read namespace {ns}: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"get\" on namespaces", warning.Message, StringComparison.Ordinal);
        Assert.Contains("apply deploy/ of this version", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>A namespace read that does not answer costs at most its own 2 s: the writes keep the provisioning's whole time.</summary>
    [Fact]
    public async Task EnsureAsync_NamespaceReadHangs_ProvisionsAfterItsOwnLimit()
    {
        var ns = await NamespaceAsync();
        var provisioner = Create(Intercepted("namespace-read-hangs", (message, token) =>
            message.Method == HttpMethod.Get && message.RequestUri!.AbsolutePath == $"/api/v1/namespaces/{ns}"
                ? Task.Delay(Timeout.Infinite, token)
                : Task.CompletedTask), time: TimeProvider.System);
        var started = DateTime.UtcNow;

        await provisioner.EnsureAsync(new ServiceAccountRequest(ns, "single-active-elector", true, ElectorMode.Readiness), CancellationToken.None);

        Assert.InRange(DateTime.UtcNow - started, NamespaceUid.ReadTimeout - TimeSpan.FromMilliseconds(100), NamespaceUid.ReadTimeout + TimeSpan.FromSeconds(2));
        Assert.Equal(1, metrics.Provisioning.Value("created"));
        Assert.NotNull(await cluster.Admin.CoreV1.ReadNamespacedServiceAccountAsync("single-active-elector", ns));
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
        Assert.Equal(1, metrics.Provisioning.Value("error"));
    }

    [Fact]
    public async Task EnsureAsync_NodeBinding_AddsTheAccountOnceAndKeepsOtherSubjects()
    {
        var ns = await NamespaceAsync();
        var elsewhere = await NamespaceAsync();
        await SetNodeBindingSubjectsAsync(new Rbacv1Subject { Kind = "ServiceAccount", Name = "someone-else", NamespaceProperty = elsewhere });
        var request = new ServiceAccountRequest(ns, "single-active-elector", true, ElectorMode.Readiness);

        await Create().EnsureAsync(request, CancellationToken.None);
        await Create().EnsureAsync(request, CancellationToken.None);

        var subjects = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.Equal([(elsewhere, "someone-else"), (ns, "single-active-elector")], subjects.Select(s => (s.NamespaceProperty, s.Name)));
        Assert.Equal((1, 1), (metrics.Provisioning.Value("created"), metrics.Provisioning.Value("exists")));
        Assert.Contains(log.Entries, e => e.EventId == 3001 && e.Message.Contains($"subject {ns}/single-active-elector of ClusterRoleBinding single-active-elector-node", StringComparison.Ordinal));
    }

    /// <summary>
    /// The accounts of namespaces that no longer exist leave the binding with the next account added, in the same
    /// update; an account that is already there writes nothing (so removes nothing); users, groups and the accounts of
    /// a namespace still being deleted stay.
    /// </summary>
    [Fact]
    public async Task EnsureAsync_NodeBinding_NextAccountAddedRemovesTheAccountsOfDeletedNamespaces()
    {
        var ns = await NamespaceAsync();
        var deleted = await NamespaceAsync();
        var terminating = await NamespaceAsync();
        await cluster.Admin.CoreV1.DeleteNamespaceAsync(deleted);
        await HoldTerminatingAsync(terminating);
        var subjects = new[]
        {
            new Rbacv1Subject { Kind = "ServiceAccount", Name = "present", NamespaceProperty = ns },
            new Rbacv1Subject { Kind = "ServiceAccount", Name = "orders", NamespaceProperty = deleted },
            new Rbacv1Subject { Kind = "User", Name = "alice", ApiGroup = "rbac.authorization.k8s.io" },
            new Rbacv1Subject { Kind = "ServiceAccount", Name = "reports", NamespaceProperty = "never-existed-" + ns },
            new Rbacv1Subject { Kind = "Group", Name = "node-readers", ApiGroup = "rbac.authorization.k8s.io" },
            new Rbacv1Subject { Kind = "ServiceAccount", Name = "draining", NamespaceProperty = terminating },
        };
        await SetNodeBindingSubjectsAsync(subjects);
        await GoneAsync(deleted);

        try
        {
            await Create().EnsureAsync(new(ns, "present", false, ElectorMode.Readiness), CancellationToken.None);
            var unchanged = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
            Assert.Equal(subjects.Select(s => (s.Kind, s.NamespaceProperty, s.Name)), unchanged.Select(s => (s.Kind, s.NamespaceProperty, s.Name)));

            await Create().EnsureAsync(new(ns, "newcomer", true, ElectorMode.Readiness), CancellationToken.None);

            var kept = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
            Assert.Equal(
                [("ServiceAccount", (string?)ns, "present"), ("User", null, "alice"), ("Group", null, "node-readers"), ("ServiceAccount", terminating, "draining"), ("ServiceAccount", ns, "newcomer")],
                kept.Select(s => (s.Kind, (string?)s.NamespaceProperty, s.Name)));
            var pruned = Assert.Single(log.Entries, e => e.EventId == 3007);
            Assert.Equal(LogLevel.Information, pruned.Level);
            Assert.Equal($"Removed 2 subject(s) from ClusterRoleBinding single-active-elector-node whose namespace no longer exists: {deleted}/orders, never-existed-{ns}/reports", pruned.Message);
            Assert.Equal(2, metrics.Provisioning.Value("created")); // each created its RoleBinding
        }
        finally
        {
            await ReleaseAsync(terminating);
        }
    }

    /// <summary>Webhook replicas admitting pods of different accounts at once: each update carries the resourceVersion it read, a 409 reads again.</summary>
    [Fact]
    public async Task EnsureAsync_ReplicasRacing_EveryAccountEndsUpInTheNodeBinding()
    {
        var ns = await NamespaceAsync();
        var accounts = Enumerable.Range(0, 6).Select(i => $"racer-{i}").ToList();

        await Task.WhenAll(accounts.Select(a => Task.Run(() => Create(time: TimeProvider.System).EnsureAsync(new(ns, a, true, ElectorMode.Readiness), CancellationToken.None))));

        var subjects = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.Equal(accounts, subjects.Where(s => s.NamespaceProperty == ns).Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal(6, metrics.Provisioning.Value("created"));
    }

    [Fact]
    public async Task EnsureAsync_NodeBindingMissing_AdmitsCountsEachAndWarnsOncePerCachePeriod()
    {
        var ns = await NamespaceAsync();
        await cluster.Admin.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding);
        var provisioner = Create();

        await provisioner.EnsureAsync(new(ns, "first", true, ElectorMode.Readiness), CancellationToken.None);
        await provisioner.EnsureAsync(new(ns, "second", true, ElectorMode.Readiness), CancellationToken.None);
        await provisioner.EnsureAsync(new(ns, "first", true, ElectorMode.Readiness), CancellationToken.None);

        Assert.NotNull(await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-second", ns));
        Assert.Equal((2, 1, 0), (metrics.Provisioning.Value("node-binding-missing"), metrics.Provisioning.Value("cached"), metrics.Provisioning.Value("error")));
        var warning = Assert.Single(log.Entries, e => e.EventId == 3005);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith(
            $"ClusterRoleBinding single-active-elector-node does not exist, so ServiceAccount {ns}/first cannot read its node and drain-aware handover is off for its electors (the pod is admitted); apply deploy/ of this version",
            warning.Message,
            StringComparison.Ordinal);
        Assert.EndsWith("Said at most once every 10 min; each admission that meets it is counted in single_active_provisioning_total with result node-binding-missing", warning.Message, StringComparison.Ordinal);

        this.time.Advance(TimeSpan.FromMinutes(11));
        await provisioner.EnsureAsync(new(ns, "first", true, ElectorMode.Readiness), CancellationToken.None);
        Assert.Equal(2, log.Entries.Count(e => e.EventId == 3005));
        Assert.Equal(3, metrics.Provisioning.Value("node-binding-missing"));
    }

    [Fact]
    public async Task EnsureAsync_NodeBindingToAnotherRole_LeftAloneAndAdmitted()
    {
        var ns = await NamespaceAsync();
        await NodeBindingAsync("view");

        await Create().EnsureAsync(new(ns, "app", false, ElectorMode.Readiness), CancellationToken.None);

        Assert.Null((await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects);
        Assert.Equal(1, metrics.Provisioning.Value("node-binding-wrong-role"));
        Assert.Contains(log.Entries, e => e.EventId == 3005 && e.Message.StartsWith(
            "ClusterRoleBinding single-active-elector-node refers to ClusterRole view, not ClusterRole single-active-elector-node, so the webhook adds no subject to it", StringComparison.Ordinal));
    }

    /// <summary>
    /// The webhook's own permissions on the node binding, as a token of a ServiceAccount with exactly these rules
    /// besides what the namespaced provisioning needs: each missing one is a warning naming it, never a denial; the
    /// rules deploy/ ships are enough.
    /// </summary>
    [Theory]
    [InlineData("", false, "cannot get ClusterRoleBinding single-active-elector-node: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"get\" on clusterrolebindings single-active-elector-node")]
    [InlineData("get", true, "cannot update ClusterRoleBinding single-active-elector-node: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"update\" on clusterrolebindings single-active-elector-node (or \"bind\" on ClusterRole single-active-elector-node)")]
    [InlineData("get,update", false, "cannot update ClusterRoleBinding single-active-elector-node: the Kubernetes API answered 403 Forbidden")]
    [InlineData("get,update", true, null)]
    public async Task EnsureAsync_WebhookPermissionsOnTheNodeBinding_MissingOneWarnsNamingIt(string bindingVerbs, bool bindNodeRole, string? warning)
    {
        var ns = await NamespaceAsync();
        var rules = new List<V1PolicyRule>
        {
            new() { ApiGroups = [""], Resources = ["serviceaccounts"], Verbs = ["get", "create"] },
            new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["rolebindings"], Verbs = ["get", "create", "update"] },
            new() { ApiGroups = [""], Resources = ["namespaces"], Verbs = ["list"] },
            new()
            {
                ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["clusterroles"], Verbs = ["bind"],
                ResourceNames = bindNodeRole ? ["single-active-elector", "single-active-elector-node"] : ["single-active-elector"],
            },
        };
        if (bindingVerbs.Length > 0)
        {
            rules.Add(new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["clusterrolebindings"], Verbs = bindingVerbs.Split(','), ResourceNames = ["single-active-elector-node"] });
        }

        using var webhook = await WebhookAccountAsync(ns, rules);

        await Create(webhook).EnsureAsync(new(ns, "app", true, ElectorMode.Readiness), CancellationToken.None);

        var subjects = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects ?? [];
        Assert.Equal(warning is null, subjects.Any(s => s.NamespaceProperty == ns && s.Name == "app"));
        Assert.NotNull(await cluster.Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("single-active-elector-app", ns));
        if (warning is null)
        {
            Assert.Equal(1, metrics.Provisioning.Value("created"));
            Assert.DoesNotContain(log.Entries, e => e.EventId == 3005);
        }
        else
        {
            Assert.Equal(1, metrics.Provisioning.Value("node-binding-forbidden"));
            var logged = Assert.Single(log.Entries, e => e.EventId == 3005).Message;
            Assert.StartsWith(warning, logged, StringComparison.Ordinal);
            Assert.Contains($"so ServiceAccount {ns}/app cannot read its node and drain-aware handover is off for its electors (the pod is admitted); apply deploy/ of this version", logged, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A namespace created again between the list and the update (its pods admitted meanwhile by a replica that found
    /// the account still bound, so wrote nothing): the update removes its account, the list after the update puts it
    /// back; the account of a namespace that stays gone is removed.
    /// </summary>
    [Fact]
    public async Task EnsureAsync_NodeBinding_NamespaceCreatedAgainBeforeTheUpdate_ItsAccountIsPutBack()
    {
        var ns = await NamespaceAsync();
        var recreated = await NamespaceAsync();
        await cluster.Admin.CoreV1.DeleteNamespaceAsync(recreated);
        await GoneAsync(recreated);
        var never = "never-existed-" + ns;
        await SetNodeBindingSubjectsAsync(
            new Rbacv1Subject { Kind = "ServiceAccount", Name = "orders", NamespaceProperty = recreated },
            new Rbacv1Subject { Kind = "ServiceAccount", Name = "reports", NamespaceProperty = never });
        var updates = 0;
        using var connection = Intercepted("racing", async (request, _) =>
        {
            if (IsNodeBindingUpdate(request) && Interlocked.Increment(ref updates) == 1)
            {
                await cluster.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = recreated } });
            }
        });

        await Create(connection).EnsureAsync(new(ns, "newcomer", true, ElectorMode.Readiness), CancellationToken.None);

        var subjects = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.Equal([(ns, "newcomer"), (recreated, "orders")], subjects.Select(s => (s.NamespaceProperty, s.Name)));
        var pruned = Assert.Single(log.Entries, e => e.EventId == 3007);
        Assert.Equal($"Removed 1 subject(s) from ClusterRoleBinding single-active-elector-node whose namespace no longer exists: {never}/reports", pruned.Message);
        Assert.DoesNotContain(log.Entries, e => e.EventId is 3005 or 3006);
    }

    /// <summary>
    /// Another replica's write lands between the read and the update (a 409): the retry reads the binding again but
    /// removes no more than the first list showed gone, not a subject that write added (whose namespace the list could
    /// not have shown: it may have been created after it).
    /// </summary>
    [Fact]
    public async Task EnsureAsync_NodeBinding_ConflictingWrite_RetryRemovesOnlyWhatTheFirstListShowedGone()
    {
        var ns = await NamespaceAsync();
        var gone = "never-existed-" + ns;
        var added = "added-meanwhile-" + ns;
        await SetNodeBindingSubjectsAsync(new Rbacv1Subject { Kind = "ServiceAccount", Name = "reports", NamespaceProperty = gone });
        var updates = 0;
        using var connection = Intercepted("racing", async (request, _) =>
        {
            if (IsNodeBindingUpdate(request) && Interlocked.Increment(ref updates) == 1)
            {
                var binding = await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding);
                await SetNodeBindingSubjectsAsync([.. binding.Subjects, new Rbacv1Subject { Kind = "ServiceAccount", Name = "orders", NamespaceProperty = added }]);
            }
        });

        await Create(connection).EnsureAsync(new(ns, "newcomer", true, ElectorMode.Readiness), CancellationToken.None);

        var subjects = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.Equal([(added, "orders"), (ns, "newcomer")], subjects.Select(s => (s.NamespaceProperty, s.Name)));
        Assert.Equal(2, updates);
        Assert.Contains(log.Entries, e => e.EventId == 3007 && e.Message.EndsWith($": {gone}/reports", StringComparison.Ordinal));
    }

    /// <summary>
    /// The provisioning's time runs out while the update's removals are checked (the second namespace list stalls):
    /// the account is added by then, so the pod is admitted, and the warning names what stays removed unchecked.
    /// </summary>
    [Fact]
    public async Task EnsureAsync_NodeBinding_TimeRunsOutAfterTheUpdate_AdmittedWithAWarning()
    {
        var ns = await NamespaceAsync();
        var never = "never-existed-" + ns;
        await SetNodeBindingSubjectsAsync(new Rbacv1Subject { Kind = "ServiceAccount", Name = "reports", NamespaceProperty = never });
        var lists = 0;
        using var connection = Intercepted("stalling", async (request, ct) =>
        {
            if (IsNamespaceList(request) && Interlocked.Increment(ref lists) == 2)
            {
                time.Advance(new ProvisioningOptions().Timeout); // the provisioning's whole time, and the list's own 2 s
                await Task.Delay(Timeout.Infinite, ct);
            }
        });

        await Create(connection).EnsureAsync(new(ns, "newcomer", true, ElectorMode.Readiness), CancellationToken.None);

        var subjects = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.Equal([(ns, "newcomer")], subjects.Select(s => (s.NamespaceProperty, s.Name)));
        var warning = Assert.Single(log.Entries, e => e.EventId == 3006);
        Assert.StartsWith(
            $"removed {never}/reports from ClusterRoleBinding single-active-elector-node, and putting it back (a namespace of that name exists again, or the namespaces could not be listed) failed: " +
            "the provisioning's time (Provisioning:Timeout) ran out",
            warning.Message,
            StringComparison.Ordinal);
        Assert.DoesNotContain(log.Entries, e => e.EventId == 3007);
        Assert.Equal(1, metrics.Provisioning.Value("created"));
    }

    /// <summary>A webhook whose ClusterRole predates the namespaces rule still adds the account; old subjects stay, and it says so once.</summary>
    [Fact]
    public async Task EnsureAsync_WebhookMayNotListNamespaces_AddsTheAccountKeepsOldSubjectsAndWarnsOnce()
    {
        var ns = await NamespaceAsync();
        var stale = new Rbacv1Subject { Kind = "ServiceAccount", Name = "orders", NamespaceProperty = "never-existed-" + ns };
        await SetNodeBindingSubjectsAsync(stale);
        using var webhook = await WebhookAccountAsync(ns,
        [
            new() { ApiGroups = [""], Resources = ["serviceaccounts"], Verbs = ["get", "create"] },
            new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["rolebindings"], Verbs = ["get", "create", "update"] },
            new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["clusterroles"], Verbs = ["bind"], ResourceNames = ["single-active-elector", "single-active-elector-node"] },
            new() { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["clusterrolebindings"], Verbs = ["get", "update"], ResourceNames = ["single-active-elector-node"] },
        ]);
        var provisioner = Create(webhook);

        await provisioner.EnsureAsync(new(ns, "first", true, ElectorMode.Readiness), CancellationToken.None);
        await provisioner.EnsureAsync(new(ns, "second", true, ElectorMode.Readiness), CancellationToken.None);

        var subjects = (await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.Equal([(stale.NamespaceProperty, "orders"), (ns, "first"), (ns, "second")], subjects.Select(s => (s.NamespaceProperty, s.Name)));
        Assert.Equal(2, metrics.Provisioning.Value("created"));
        var warning = Assert.Single(log.Entries, e => e.EventId == 3006);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith(
            "cannot list namespaces: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"list\" on namespaces, so the subjects of ClusterRoleBinding " +
            "single-active-elector-node whose namespace is gone are not removed (each grants node read to an account of that name should its namespace be created again); apply deploy/ of this version",
            warning.Message,
            StringComparison.Ordinal);
        Assert.EndsWith("The account was added; said at most once every 10 min", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Entries, e => e.EventId is 3005 or 3007);
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

    /// <summary>The node binding as deploy/ ships it (no subjects), to <paramref name="clusterRole"/>: recreated when it refers to another role.</summary>
    private async Task NodeBindingAsync(string clusterRole)
    {
        try
        {
            var existing = await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding);
            if (existing.RoleRef.Name == clusterRole)
            {
                existing.Subjects = null;
                existing.Metadata.ManagedFields = null; // the AOT client cannot write them; the API server keeps them
                await cluster.Admin.RbacAuthorizationV1.ReplaceClusterRoleBindingAsync(existing, ElectorRbacNames.NodeClusterRoleBinding);
                return;
            }

            await cluster.Admin.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }

        await cluster.Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new() { Name = ElectorRbacNames.NodeClusterRoleBinding },
            RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = clusterRole },
        });
    }

    private async Task SetNodeBindingSubjectsAsync(params Rbacv1Subject[] subjects)
    {
        var binding = await cluster.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding);
        binding.Subjects = subjects;
        binding.Metadata.ManagedFields = null; // the AOT client cannot write them; the API server keeps them
        await cluster.Admin.RbacAuthorizationV1.ReplaceClusterRoleBindingAsync(binding, ElectorRbacNames.NodeClusterRoleBinding);
    }

    /// <summary>Deletes <paramref name="ns"/> but keeps it Terminating with a finalizer of the test's own, until <see cref="ReleaseAsync"/>.</summary>
    private async Task HoldTerminatingAsync(string ns)
    {
        var held = await cluster.Admin.CoreV1.ReadNamespaceAsync(ns);
        held.Metadata.Finalizers = [HoldFinalizer];
        held.Metadata.ManagedFields = null;
        await cluster.Admin.CoreV1.ReplaceNamespaceAsync(held, ns);
        await cluster.Admin.CoreV1.DeleteNamespaceAsync(ns);
    }

    /// <summary>Takes the test's finalizer off again (read and replace: again after a 409 from the namespace controller's own writes).</summary>
    private async Task ReleaseAsync(string ns)
    {
        for (var attempt = 1; ; attempt++)
        {
            var held = await cluster.Admin.CoreV1.ReadNamespaceAsync(ns);
            held.Metadata.Finalizers = null;
            held.Metadata.ManagedFields = null;
            try
            {
                await cluster.Admin.CoreV1.ReplaceNamespaceAsync(held, ns);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }
    }

    /// <summary>Until the namespace controller has removed <paramref name="ns"/> (an empty namespace: within seconds).</summary>
    private async Task GoneAsync(string ns)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await cluster.Admin.CoreV1.ListNamespaceAsync()).Items.Any(n => n.Metadata.Name == ns))
        {
            Assert.True(DateTime.UtcNow < deadline, $"namespace {ns} was not removed within 60 s");
            await Task.Delay(100);
        }
    }

    /// <summary>A connection as a ServiceAccount of <paramref name="ns"/> holding exactly <paramref name="rules"/> cluster-wide, once the authorizer says so.</summary>
    private async Task<ClusterConnection> WebhookAccountAsync(string ns, List<V1PolicyRule> rules)
    {
        const string Account = "webhook";
        var name = $"{ns}-webhook";
        await cluster.Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new() { Name = Account } }, ns);
        await cluster.Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new() { Name = name }, Rules = rules });
        await cluster.Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new() { Name = name },
            RoleRef = new() { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name },
            Subjects = [new() { Kind = "ServiceAccount", Name = Account, NamespaceProperty = ns }],
        });

        // RBAC reaches the authorizer through an informer: wait until the account may do what its first call needs.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var review = await cluster.Admin.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
            {
                Spec = new V1SubjectAccessReviewSpec
                {
                    User = $"system:serviceaccount:{ns}:{Account}",
                    ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = "create", Resource = "serviceaccounts" },
                },
            });
            if (review.Status.Allowed)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the test Account's ClusterRole did not take effect within 30 s");
            await Task.Delay(100);
        }

        var token = await cluster.Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, Account, ns);
        return ClusterConnection.FromClient(cluster.ClientWithToken(token.Status.Token), "webhook");
    }

    private static async Task IgnoreConflictAsync(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }

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
        time ?? this.time,
        metrics,
        log);

    /// <summary>An admin connection whose every request first goes through <paramref name="before"/> (see <see cref="BeforeSending"/>).</summary>
    private ClusterConnection Intercepted(string name, Func<HttpRequestMessage, CancellationToken, Task> before) =>
        ClusterConnection.FromClient(new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster.KubeconfigPath), new BeforeSending(before)), name);

    /// <summary>Runs <paramref name="before"/> before each request is sent (with the request and its token): the moment a race or a stall would strike.</summary>
    private sealed class BeforeSending(Func<HttpRequestMessage, CancellationToken, Task> before) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await before(request, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static bool IsNodeBindingUpdate(HttpRequestMessage request) =>
        request.Method == HttpMethod.Put && request.RequestUri?.AbsolutePath.EndsWith("/clusterrolebindings/" + ElectorRbacNames.NodeClusterRoleBinding, StringComparison.Ordinal) == true;

    private static bool IsNamespaceList(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri?.AbsolutePath == "/api/v1/namespaces";
}
