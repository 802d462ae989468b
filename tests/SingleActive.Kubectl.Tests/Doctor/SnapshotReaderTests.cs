using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>
/// What <see cref="SnapshotReader"/> reads, through KubernetesClient, from an API server that refuses some reads: a
/// refused read is recorded once and not tried again, the reads that only serve a refused one are not made, and a 404
/// stays an absent object, never a refusal. The double answers as a 1.20 API server does (lists of their group's
/// version, <c>metav1.Status</c> bodies for 403 and 404 worded as RBAC words them, no <c>policy/v1</c>) and fails the test
/// on any request, path and query, it was not told to expect.
/// </summary>
public sealed class SnapshotReaderTests
{
    [Fact]
    public async Task ReadAsync_ClusterScopedReadsRefused_EachRecordedOnceAndNotTriedAgain()
    {
        var api = new ApiServerDouble();
        api.Forbid("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/single-active-webhook", "get", "mutatingwebhookconfigurations", "admissionregistration.k8s.io");
        api.Forbid("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector", "get", "clusterroles", "rbac.authorization.k8s.io");
        api.Forbid("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?watch=false", "list", "clusterrolebindings", "rbac.authorization.k8s.io");
        api.Forbid("/api/v1/nodes?watch=false", "list", "nodes", "");
        api.Forbid("/apis/coordination.k8s.io/v1/namespaces/shop/leases?watch=false", "list", "leases", "coordination.k8s.io", "shop");
        api.Forbid("/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings?watch=false", "list", "rolebindings", "rbac.authorization.k8s.io", "shop");
        api.Forbid("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies?watch=false", "list", "networkpolicies", "networking.k8s.io", "shop");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Equal(
            [
                (RefusedReads.WebhookConfigurations, null), (RefusedReads.ClusterRoles, null), (RefusedReads.ClusterRoleBindings, null), (RefusedReads.Nodes, null),
                (RefusedReads.RoleBindings, "shop"), (RefusedReads.Leases, "shop"), (RefusedReads.NetworkPolicies, "shop"),
            ],
            snapshot.Refused!.Select(r => (r.Resource, (string?)r.Namespace)));
        Assert.All(snapshot.Refused!, r => Assert.Contains($"User \"dev\" cannot ", r.Said, StringComparison.Ordinal));
        Assert.All(snapshot.Refused!, r => Assert.Contains($" resource \"{r.Resource}\" ", r.Said, StringComparison.Ordinal));

        // The first ClusterRole refused: the other two are not asked. The bindings refused: the namespaces are not read.
        Assert.DoesNotContain(api.Requests, r => r.StartsWith("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector-", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Requests, r => r.StartsWith("/api/v1/namespaces?", StringComparison.Ordinal));
        Assert.Null(snapshot.AllNamespaces);
        Assert.Null(snapshot.WebhookConfiguration);
        Assert.Empty(snapshot.ClusterRoles);
        var shop = Assert.Single(snapshot.Namespaces);
        Assert.Equal("web", Assert.Single(shop.Workloads).Workload.Name);
        Assert.Empty(shop.Leases);
        Assert.Empty(shop.RoleBindings);
        Assert.Empty(shop.NetworkPolicies);
        Assert.DoesNotContain(api.Requests, r => r.StartsWith("/api/v1/namespaces/default/", StringComparison.Ordinal));
        Assert.Null(snapshot.ApiServer);
    }

    [Fact]
    public async Task ReadAsync_ObjectsMissing_NotFoundIsNoRefusal()
    {
        var api = new ApiServerDouble();
        AnswerAsEmpty(api);

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Empty(snapshot.Refused!);
        Assert.Null(snapshot.WebhookConfiguration);
        Assert.Empty(snapshot.ClusterRoles);
        Assert.Contains("/apis/rbac.authorization.k8s.io/v1/clusterroles/single-active-elector-node", api.Requests);
        Assert.Equal(["shop"], snapshot.AllNamespaces!);
        // No NetworkPolicy: where the API server is is not asked.
        Assert.DoesNotContain(api.Requests, r => r.StartsWith("/api/v1/namespaces/default/", StringComparison.Ordinal));
        Assert.Null(snapshot.ApiServer);
    }

    [Fact]
    public async Task ReadAsync_NetworkPolicies_ReadWithWhereTheApiServerIs()
    {
        var api = new ApiServerDouble();
        AnswerAsEmpty(api);
        api.List("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies?watch=false", "networking.k8s.io/v1", "NetworkPolicyList",
            """{"metadata":{"name":"deny-all","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}""");
        api.Answer("/api/v1/namespaces/default/services/kubernetes",
            """{"kind":"Service","apiVersion":"v1","metadata":{"name":"kubernetes","namespace":"default"},"spec":{"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1","fd00:10::1"],"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":6443}]}}""");
        api.Answer("/api/v1/namespaces/default/endpoints/kubernetes",
            """{"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"kubernetes","namespace":"default"},"subsets":[{"addresses":[{"ip":"192.0.2.10"},{"ip":"192.0.2.11"}],"ports":[{"name":"https","port":6443,"protocol":"TCP"}]}]}""");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Equal("deny-all", Assert.Single(Assert.Single(snapshot.Namespaces).NetworkPolicies).Metadata.Name);
        Assert.Equal("10.0.0.1:443, [fd00:10::1]:443 (Service kubernetes) or 192.0.2.10:6443, 192.0.2.11:6443 (the API servers)", snapshot.ApiServer!.ToString());
    }

    [Fact]
    public async Task ReadAsync_ApiServerServiceAndEndpointsRefused_NetworkPoliciesCheckedWithoutThemAndNoRefusalReported()
    {
        var api = new ApiServerDouble();
        AnswerAsEmpty(api);
        api.List("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies?watch=false", "networking.k8s.io/v1", "NetworkPolicyList",
            """{"metadata":{"name":"deny-all","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Egress"]}}""");
        api.Forbid("/api/v1/namespaces/default/services/kubernetes", "get", "services", "", "default");
        api.Forbid("/api/v1/namespaces/default/endpoints/kubernetes", "get", "endpoints", "", "default");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Null(snapshot.ApiServer);
        Assert.Empty(snapshot.Refused!);
    }

    [Fact]
    public async Task ReadAsync_ApiServerEndpointsRefused_TheServiceAddressAlone()
    {
        var api = new ApiServerDouble();
        AnswerAsEmpty(api);
        api.List("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies?watch=false", "networking.k8s.io/v1", "NetworkPolicyList",
            """{"metadata":{"name":"deny-all","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Egress"]}}""");
        api.Answer("/api/v1/namespaces/default/services/kubernetes",
            """{"kind":"Service","apiVersion":"v1","metadata":{"name":"kubernetes","namespace":"default"},"spec":{"clusterIP":"10.0.0.1","ports":[{"name":"https","port":443}]}}""");
        api.Forbid("/api/v1/namespaces/default/endpoints/kubernetes", "get", "endpoints", "", "default");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Equal("10.0.0.1:443 (Service kubernetes)", snapshot.ApiServer!.ToString());
        Assert.Empty(snapshot.Refused!);
    }

    [Fact]
    public async Task ReadAsync_WebhookNamespaceWithNetworkPolicies_ReadsThePodsTheServiceSelects()
    {
        var api = new ApiServerDouble();
        AnswerAsEmpty(api);
        api.Answer("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/single-active-webhook",
            """{"kind":"MutatingWebhookConfiguration","apiVersion":"admissionregistration.k8s.io/v1","metadata":{"name":"single-active-webhook"},"webhooks":[{"name":"pods.single-active.io","clientConfig":{"service":{"namespace":"single-active-system","name":"single-active-webhook","path":"/mutate","port":443}},"failurePolicy":"Fail","sideEffects":"NoneOnDryRun","admissionReviewVersions":["v1"]}]}""");
        api.Answer("/api/v1/namespaces/single-active-system/services/single-active-webhook",
            """{"kind":"Service","apiVersion":"v1","metadata":{"name":"single-active-webhook","namespace":"single-active-system"},"spec":{"selector":{"app.kubernetes.io/name":"single-active-webhook"},"ports":[{"name":"https","port":443,"targetPort":"https"}]}}""");
        api.Answer("/api/v1/namespaces/single-active-system/endpoints/single-active-webhook",
            """{"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"single-active-webhook","namespace":"single-active-system"},"subsets":[{"addresses":[{"ip":"10.1.0.5"}],"ports":[{"name":"https","port":8443}]}]}""");
        api.List("/apis/networking.k8s.io/v1/namespaces/single-active-system/networkpolicies?watch=false", "networking.k8s.io/v1", "NetworkPolicyList",
            """{"metadata":{"name":"deny-all","namespace":"single-active-system"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}""");
        api.List("/api/v1/namespaces/single-active-system/pods?labelSelector=app.kubernetes.io%2Fname%3Dsingle-active-webhook&watch=false", "v1", "PodList",
            """{"metadata":{"name":"single-active-webhook-0","namespace":"single-active-system","labels":{"app.kubernetes.io/name":"single-active-webhook"}},"spec":{"containers":[{"name":"webhook","ports":[{"name":"https","containerPort":8443}]}]}}""");

        api.Missing("/api/v1/namespaces/default/services/kubernetes", "services", "");
        api.Missing("/api/v1/namespaces/default/endpoints/kubernetes", "endpoints", "");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        var backend = Assert.Single(snapshot.WebhookBackends!);
        Assert.Equal("deny-all", Assert.Single(backend.NetworkPolicies!).Metadata.Name);
        Assert.Equal("single-active-webhook-0", Assert.Single(backend.Pods!).Metadata.Name);
        Assert.Empty(snapshot.Refused!);
    }

    /// <summary>The webhook's Service in a namespace that also holds workloads: its NetworkPolicies are listed once, for both.</summary>
    [Fact]
    public async Task ReadAsync_WebhookInAWorkloadsNamespace_NetworkPoliciesListedOnce()
    {
        var api = new ApiServerDouble();
        AnswerAsEmpty(api);
        api.Answer("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/single-active-webhook",
            """{"kind":"MutatingWebhookConfiguration","apiVersion":"admissionregistration.k8s.io/v1","metadata":{"name":"single-active-webhook"},"webhooks":[{"name":"pods.single-active.io","clientConfig":{"service":{"namespace":"shop","name":"single-active-webhook","path":"/mutate","port":443}},"failurePolicy":"Fail","sideEffects":"NoneOnDryRun","admissionReviewVersions":["v1"]}]}""");
        api.Answer("/api/v1/namespaces/shop/services/single-active-webhook",
            """{"kind":"Service","apiVersion":"v1","metadata":{"name":"single-active-webhook","namespace":"shop"},"spec":{"selector":{"app.kubernetes.io/name":"single-active-webhook"},"ports":[{"name":"https","port":443,"targetPort":"https"}]}}""");
        api.Missing("/api/v1/namespaces/shop/endpoints/single-active-webhook", "endpoints", "");
        const string Policies = "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies?watch=false";
        api.List(Policies, "networking.k8s.io/v1", "NetworkPolicyList", """{"metadata":{"name":"deny-all","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}""");
        api.List("/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dsingle-active-webhook&watch=false", "v1", "PodList");
        api.Missing("/api/v1/namespaces/default/services/kubernetes", "services", "");
        api.Missing("/api/v1/namespaces/default/endpoints/kubernetes", "endpoints", "");

        var snapshot = await new SnapshotReader(api.Client).ReadAsync(null, CancellationToken.None);

        Assert.Single(api.Requests, r => r == Policies);
        Assert.Equal("deny-all", Assert.Single(Assert.Single(snapshot.WebhookBackends!).NetworkPolicies!).Metadata.Name);
    }

    /// <summary>Every read doctor makes beyond the workloads answered: objects missing, lists empty, one namespace.</summary>
    private static void AnswerAsEmpty(ApiServerDouble api)
    {
        api.Missing("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/single-active-webhook", "mutatingwebhookconfigurations", "admissionregistration.k8s.io");
        foreach (var role in (string[])["single-active-elector", "single-active-elector-label", "single-active-elector-node"])
        {
            api.Missing("/apis/rbac.authorization.k8s.io/v1/clusterroles/" + role, "clusterroles", "rbac.authorization.k8s.io");
        }

        api.List("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?watch=false", "rbac.authorization.k8s.io/v1", "ClusterRoleBindingList");
        api.List("/api/v1/nodes?watch=false", "v1", "NodeList");
        api.List("/apis/coordination.k8s.io/v1/namespaces/shop/leases?watch=false", "coordination.k8s.io/v1", "LeaseList");
        api.List("/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings?watch=false", "rbac.authorization.k8s.io/v1", "RoleBindingList");
        api.List("/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies?watch=false", "networking.k8s.io/v1", "NetworkPolicyList");
        api.List("/api/v1/namespaces?limit=500&watch=false", "v1", "NamespaceList", """{"metadata":{"name":"shop","uid":"u-1"}}""");
    }

    /// <summary>
    /// An API server (1.20) that answers the requests it was told (anything else fails the test), with the bodies it sends:
    /// the workloads doctor always reads (one single-active Deployment, web in shop, and what is read for it) are there from
    /// the start.
    /// </summary>
    private sealed class ApiServerDouble : DelegatingHandler
    {
        private readonly Dictionary<string, (HttpStatusCode Status, string Body)> answers = new(StringComparer.Ordinal);

        public ApiServerDouble()
        {
            var deployment = TestWorkloads.Deployment("shop", "web");
            deployment.ApiVersion = "apps/v1";
            deployment.Kind = "Deployment";
            List("/apis/apps/v1/deployments?watch=false", "apps/v1", "DeploymentList", KubernetesJson.Serialize(deployment));
            List("/apis/apps/v1/statefulsets?watch=false", "apps/v1", "StatefulSetList");
            answers["/version/"] = (HttpStatusCode.OK, """{"major":"1","minor":"20","gitVersion":"v1.20.2"}""");
            List("/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb&watch=false", "v1", "PodList");
            answers["/apis/policy/v1/namespaces/shop/poddisruptionbudgets?watch=false"] = (HttpStatusCode.NotFound, Status(404, "NotFound", "the server could not find the requested resource", null));
            List("/apis/policy/v1beta1/namespaces/shop/poddisruptionbudgets?watch=false", "policy/v1beta1", "PodDisruptionBudgetList");
            List("/api/v1/namespaces/shop/services?watch=false", "v1", "ServiceList");
            Client = new Kubernetes(new KubernetesClientConfiguration { Host = "https://api.test.invalid" }, this);
        }

        public IKubernetes Client { get; }

        /// <summary>Every request's path and query, in order.</summary>
        public List<string> Requests { get; } = [];

        public void Answer(string pathAndQuery, string body) => answers[pathAndQuery] = (HttpStatusCode.OK, body);

        public void List(string pathAndQuery, string apiVersion, string kind, params string[] items) =>
            answers[pathAndQuery] = (HttpStatusCode.OK, $$"""{"kind":"{{kind}}","apiVersion":"{{apiVersion}}","metadata":{"resourceVersion":"7"},"items":[{{string.Join(',', items)}}]}""");

        /// <summary>RBAC's refusal, worded as the API server words it for a user bound to a namespace's view role.</summary>
        public void Forbid(string pathAndQuery, string verb, string resource, string group, string? @namespace = null)
        {
            var name = verb == "get" ? $" \"{pathAndQuery[(pathAndQuery.LastIndexOf('/') + 1)..]}\"" : "";
            var scope = @namespace is null ? "at the cluster scope" : $"in the namespace \"{@namespace}\"";
            var qualified = group.Length == 0 ? resource : $"{resource}.{group}";
            answers[pathAndQuery] = (HttpStatusCode.Forbidden, Status(403, "Forbidden", $"{qualified}{name} is forbidden: User \"dev\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}", resource));
        }

        public void Missing(string path, string resource, string group)
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            var qualified = group.Length == 0 ? resource : $"{resource}.{group}";
            answers[path] = (HttpStatusCode.NotFound, Status(404, "NotFound", $"{qualified} \"{name}\" not found", resource));
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var pathAndQuery = request.RequestUri!.PathAndQuery;
            lock (Requests)
            {
                Requests.Add(pathAndQuery);
            }

            Assert.True(request.Method == HttpMethod.Get, $"doctor only reads, and sent {request.Method} {pathAndQuery}");
            Assert.True(answers.TryGetValue(pathAndQuery, out var answer), $"unexpected request: GET {pathAndQuery}");
            return Task.FromResult(new HttpResponseMessage(answer.Status)
            {
                RequestMessage = request,
                Content = new StringContent(answer.Body, Encoding.UTF8, "application/json"),
            });
        }

        private static string Status(int code, string reason, string message, string? kind)
        {
            var details = kind is null ? "" : ",\"details\":{\"kind\":" + System.Text.Json.JsonSerializer.Serialize(kind) + "}";
            return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":" + System.Text.Json.JsonSerializer.Serialize(message)
                + ",\"reason\":\"" + reason + "\"" + details + ",\"code\":" + code + "}";
        }
    }
}
