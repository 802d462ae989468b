using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Scenarios;
using SingleActive.E2E.Tests.Support;
using SingleActive.E2E.Tests.Webhook;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Robustness;

/// <summary>
/// The webhook's side effect (ServiceAccount + RoleBinding for the elector) failing on a real API
/// server because the webhook's own RBAC was taken away: annotated pods are denied with a message
/// that says what failed, no pod is stored without its elector's permissions, and once RBAC is back
/// the same namespace converges (ServiceAccount, RoleBinding, injected pod).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DenyOnSideEffectFailureTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    private const string WebhookBinding = "single-active-webhook";
    private const string PartialRole = "single-active-webhook-robustness-partial";
    private static readonly string WebhookUser = $"system:serviceaccount:{WebhookProcess.SystemNamespace}:{WebhookProcess.ServiceAccountName}";

    [Fact]
    public async Task CreatePod_WebhookRbacRemoved_DeniedWithMessageAndNothingHalfCreated()
    {
        await cluster.GetWebhookAsync();
        var binding = await cluster.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(WebhookBinding);
        try
        {
            // 1. No RBAC at all: the ServiceAccount cannot even be read.
            await cluster.Client.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(WebhookBinding);
            var none = await cluster.CreateNamespaceAsync("rbac-none");
            await WaitUntilWebhookMayAsync(false, "create", "serviceaccounts", none);
            var denied = await CreatePodAsync(none, "app");
            output.WriteLine("without RBAC: " + denied);
            Assert.Contains("single-active", denied, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("ServiceAccount", denied, StringComparison.OrdinalIgnoreCase);
            await AssertNoPodAndNoBindingAsync(none);
            Assert.Equal(["default"], (await cluster.Client.CoreV1.ListNamespacedServiceAccountAsync(none)).Items.Select(a => a.Metadata.Name));

            // 2. Half of it: ServiceAccounts may be created, RoleBindings may not.
            await GrantPartialRbacAsync();
            var half = await cluster.CreateNamespaceAsync("rbac-half");
            await WaitUntilWebhookMayAsync(true, "create", "serviceaccounts", half);
            denied = await CreatePodAsync(half, "app");
            output.WriteLine("with ServiceAccounts but no RoleBindings: " + denied);
            Assert.Contains("RoleBinding", denied, StringComparison.OrdinalIgnoreCase);
            await AssertNoPodAndNoBindingAsync(half);

            // 3. RBAC restored: the same namespace converges.
            await RestoreAsync(binding);
            await WaitUntilWebhookMayAsync(true, "create", "rolebindings", half);
            var admitted = await CreatePodAsync(half, "app");
            Assert.True(admitted.Length == 0, "after RBAC was restored the pod was still refused: " + admitted);
            var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync("app", half);
            Assert.NotNull(pod.Metadata.Annotations?[Annotations.Status]);
            var account = pod.Spec.ServiceAccountName;
            await cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync(account, half);
            var bindings = (await cluster.Client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(half)).Items;
            Assert.Contains(bindings, b => b.RoleRef.Name == "single-active-elector" && b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account));
        }
        finally
        {
            await RestoreAsync(binding);
        }
    }

    /// <summary>Creates an annotated pod with kubectl; returns the error text, or "" when it was created.</summary>
    private async Task<string> CreatePodAsync(string ns, string name)
    {
        var (exit, _, stderr) = await cluster.KubectlWithInputAsync(Manifests.Pod(ns, name, Manifests.OptIn), "create", "-f", "-");
        return exit == 0 ? "" : stderr.Trim();
    }

    private async Task AssertNoPodAndNoBindingAsync(string ns)
    {
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
        Assert.Empty((await cluster.Client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns)).Items);
    }

    /// <summary>RBAC changes reach the authorizer asynchronously: wait until <c>kubectl auth can-i</c> agrees.</summary>
    private Task WaitUntilWebhookMayAsync(bool allowed, string verb, string resource, string ns) =>
        Eventually.UntilAsync(
            async () =>
            {
                var (_, stdout, _) = await cluster.KubectlAsync("auth", "can-i", verb, resource, "-n", ns, "--as", WebhookUser);
                return stdout.Trim() == (allowed ? "yes" : "no");
            },
            TimeSpan.FromSeconds(30),
            $"the webhook {(allowed ? "to be allowed" : "to be forbidden")} to {verb} {resource}");

    private async Task GrantPartialRbacAsync()
    {
        await cluster.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = PartialRole },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["serviceaccounts"], Verbs = ["get", "create"] }],
        });
        await cluster.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = PartialRole },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = PartialRole },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = WebhookProcess.ServiceAccountName, NamespaceProperty = WebhookProcess.SystemNamespace }],
        });
    }

    private async Task RestoreAsync(V1ClusterRoleBinding original)
    {
        await IgnoreNotFoundAsync(() => cluster.Client.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(PartialRole));
        await IgnoreNotFoundAsync(() => cluster.Client.RbacAuthorizationV1.DeleteClusterRoleAsync(PartialRole));
        try
        {
            await cluster.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(WebhookBinding);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await cluster.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = original.Metadata.Name, Labels = original.Metadata.Labels },
                RoleRef = original.RoleRef,
                Subjects = original.Subjects,
            });
        }
    }

    private static async Task IgnoreNotFoundAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }
}
