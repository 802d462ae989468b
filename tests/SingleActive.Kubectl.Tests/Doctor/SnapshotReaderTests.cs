using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>
/// What <see cref="SnapshotReader"/> reads, through KubernetesClient, from an API server that refuses some reads: a
/// refused read is recorded once and not tried again, the reads that only serve a refused one are not made, and a 404
/// stays an absent object, never a refusal. The double answers as the API server does (lists, <c>metav1.Status</c>
/// bodies for 403 and 404) and fails the test on any request it was not told to expect.
/// </summary>
public sealed class SnapshotReaderTests
{
    private const string Said = "clusterroles.rbac.authorization.k8s.io \"single-active-elector\" is forbidden: User \"dev\" cannot get resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope";

    [Fact]
    public async Task ReadAsync_ClusterScopedReadsRefused_EachRecordedOnceAndNotTriedAgain()
    {
        var api = new ApiServerDouble();
        api.Forbid("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/single-active-webhook");
        api.Forbid("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector");
        api.Forbid("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings");
        api.Forbid("/api/v1/nodes");
        api.Forbid("/apis/coordination.k8s.io/v1/namespaces/shop/leases");
        api.Forbid("/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Equal(
            [
                (RefusedReads.WebhookConfigurations, null), (RefusedReads.ClusterRoles, null), (RefusedReads.ClusterRoleBindings, null), (RefusedReads.Nodes, null),
                (RefusedReads.RoleBindings, "shop"), (RefusedReads.Leases, "shop"),
            ],
            snapshot.Refused!.Select(r => (r.Resource, (string?)r.Namespace)));
        Assert.All(snapshot.Refused!, r => Assert.StartsWith("forbidden (test): ", r.Said, StringComparison.Ordinal));

        // The first ClusterRole refused: the other two are not asked. The bindings refused: the namespaces are not read.
        Assert.DoesNotContain("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector-label", api.Requests);
        Assert.DoesNotContain("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector-node", api.Requests);
        Assert.DoesNotContain("/api/v1/namespaces", api.Requests);
        Assert.Null(snapshot.AllNamespaces);
        Assert.Null(snapshot.WebhookConfiguration);
        Assert.Empty(snapshot.ClusterRoles);
        var shop = Assert.Single(snapshot.Namespaces);
        Assert.Equal("web", Assert.Single(shop.Workloads).Workload.Name);
        Assert.Empty(shop.Leases);
        Assert.Empty(shop.RoleBindings);
    }

    [Fact]
    public async Task ReadAsync_ObjectsMissing_NotFoundIsNoRefusal()
    {
        var api = new ApiServerDouble();
        api.Missing("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/single-active-webhook");
        api.Missing("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector");
        api.Missing("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector-label");
        api.Missing("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector-node");
        api.List("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "ClusterRoleBindingList");
        api.List("/api/v1/nodes", "NodeList");
        api.List("/apis/coordination.k8s.io/v1/namespaces/shop/leases", "LeaseList");
        api.List("/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings", "RoleBindingList");
        api.List("/api/v1/namespaces", "NamespaceList", """{"metadata":{"name":"shop","uid":"u-1"}}""");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Empty(snapshot.Refused!);
        Assert.Null(snapshot.WebhookConfiguration);
        Assert.Empty(snapshot.ClusterRoles);
        Assert.Contains("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector-node", api.Requests);
        Assert.Equal(["shop"], snapshot.AllNamespaces!);
    }

    /// <summary>
    /// An API server that answers the paths it was told (anything else fails the test), with the bodies a 1.20 API server
    /// sends: the workloads doctor always reads (one single-active Deployment, web in shop) are there from the start.
    /// </summary>
    private sealed class ApiServerDouble : DelegatingHandler
    {
        private readonly Dictionary<string, (HttpStatusCode Status, string Body)> answers = new(StringComparer.Ordinal);

        public ApiServerDouble()
        {
            var deployment = TestWorkloads.Deployment("shop", "web");
            deployment.ApiVersion = "apps/v1";
            deployment.Kind = "Deployment";
            List("/apis/apps/v1/deployments", "DeploymentList", KubernetesJson.Serialize(deployment));
            List("/apis/apps/v1/statefulsets", "StatefulSetList");
            answers["/version"] = (HttpStatusCode.OK, """{"major":"1","minor":"20","gitVersion":"v1.20.2"}""");
            List("/api/v1/namespaces/shop/pods", "PodList");
            List("/apis/policy/v1/namespaces/shop/poddisruptionbudgets", "PodDisruptionBudgetList");
            List("/api/v1/namespaces/shop/services", "ServiceList");
            Client = new Kubernetes(new KubernetesClientConfiguration { Host = "https://api.test.invalid" }, this);
        }

        public IKubernetes Client { get; }

        public List<string> Requests { get; } = [];

        public void List(string path, string kind, params string[] items) =>
            answers[path] = (HttpStatusCode.OK, $$"""{"kind":"{{kind}}","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{{string.Join(',', items)}}]}""");

        public void Forbid(string path) => answers[path] = (HttpStatusCode.Forbidden, Status(403, "Forbidden", "forbidden (test): " + Said));

        public void Missing(string path) => answers[path] = (HttpStatusCode.NotFound, Status(404, "NotFound", $"\"{path[(path.LastIndexOf('/') + 1)..]}\" not found"));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath.TrimEnd('/');
            lock (Requests)
            {
                Requests.Add(path);
            }

            Assert.True(request.Method == HttpMethod.Get, $"doctor only reads, and sent {request.Method} {path}");
            Assert.True(answers.TryGetValue(path, out var answer), $"unexpected request: GET {request.RequestUri}");
            return Task.FromResult(new HttpResponseMessage(answer.Status)
            {
                RequestMessage = request,
                Content = new StringContent(answer.Body, Encoding.UTF8, "application/json"),
            });
        }

        private static string Status(int code, string reason, string message) =>
            $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":{{System.Text.Json.JsonSerializer.Serialize(message)}},"reason":"{{reason}}","code":{{code}}}""";
    }
}
