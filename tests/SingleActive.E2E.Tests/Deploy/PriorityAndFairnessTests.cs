using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// deploy/components/priority-and-fairness on the real API server: applied (with the documented 1.20 rewrites of
/// <see cref="ApiServer120Compatibility"/>), a ServiceAccount's Lease requests, made with a TokenRequest token as an
/// elector's are, go to its FlowSchema and priority level; that ServiceAccount's other requests and a user's Lease
/// requests do not. The API server's priority-and-fairness filter names the FlowSchema and priority level it chose in
/// every answer it classified (headers <c>X-Kubernetes-PF-FlowSchema-UID</c>, <c>X-Kubernetes-PF-PriorityLevel-UID</c>;
/// k8s.io/apiserver pkg/server/filters/priority-and-fairness.go), so the test reads the server's own decision. A watch
/// is not classified on 1.20 (long-running requests bypass the filter there).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PriorityAndFairnessTests(ControlPlaneFixture cluster)
{
    private const string Name = "single-active-electors";
    private const string ServiceAccount = "single-active-elector";
    private const string FlowSchemaHeader = "X-Kubernetes-PF-FlowSchema-UID";
    private const string PriorityLevelHeader = "X-Kubernetes-PF-PriorityLevel-UID";

    [Fact]
    public async Task Component_Applied_ServiceAccountsLeaseRequestsGoToTheElectorsLevelAndNothingElse()
    {
        var built = await Kustomize.BuildWithComponentsAsync("overlays/self-signed", "components/priority-and-fairness");
        var component = built.Where(o => ((string?)o["apiVersion"])?.StartsWith("flowcontrol.apiserver.k8s.io/", StringComparison.Ordinal) == true).ToList();
        Assert.Equal([$"FlowSchema/{Name}", $"PriorityLevelConfiguration/{Name}"], component.Select(Kustomize.Describe).Order());
        Assert.Equal(Name, (string?)Kustomize.Single(component, "FlowSchema", Name)["spec"]!["priorityLevelConfiguration"]!["name"]);
        var (stripped, removed) = ApiServer120Compatibility.Strip(component);
        Assert.Equal(ApiServer120Compatibility.PriorityAndFairness.Order(), removed.Order());

        var @namespace = await cluster.CreateNamespaceAsync("apf");
        try
        {
            var (applied, _, applyError) = await cluster.KubectlWithInputAsync(YamlJson.ToList(stripped), "apply", "-f", "-");
            Assert.True(applied == 0, $"applying the component (stripped of: {string.Join("; ", removed)}) failed:\n{applyError}");
            var schemaUid = await UidAsync("flowschema");
            var levelUid = await UidAsync("prioritylevelconfiguration");
            using var elector = await ElectorClientAsync(@namespace);

            // The API server's configuration controller takes a new FlowSchema in from its informer: wait for the first.
            var created = await Eventually.SucceedsAsync(
                async () =>
                {
                    using var answer = await elector.CoordinationV1.CreateNamespacedLeaseWithHttpMessagesAsync(
                        new V1Lease { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1LeaseSpec { HolderIdentity = "web-0", LeaseDurationSeconds = 15 } },
                        @namespace);
                    return answer.Body;
                },
                TimeSpan.FromSeconds(30),
                "the Lease created with the elector's ServiceAccount");
            await Eventually.UntilAsync(
                async () =>
                {
                    using var answer = await elector.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync("web", @namespace);
                    return Header(answer, FlowSchemaHeader) == schemaUid;
                },
                TimeSpan.FromSeconds(30),
                $"a Lease read classified into FlowSchema {Name}");

            // Every Lease verb an elector uses but watch: its FlowSchema and its priority level.
            using (var read = await elector.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync("web", @namespace))
            {
                AssertClassified(read, schemaUid, levelUid, "get");
            }

            using (var list = await elector.CoordinationV1.ListNamespacedLeaseWithHttpMessagesAsync(@namespace))
            {
                AssertClassified(list, schemaUid, levelUid, "list");
            }

            created.Spec.RenewTime = DateTime.UtcNow;
            using (var renewed = await elector.CoordinationV1.ReplaceNamespacedLeaseWithHttpMessagesAsync(created, "web", @namespace))
            {
                AssertClassified(renewed, schemaUid, levelUid, "update");
            }

            using (var second = await elector.CoordinationV1.CreateNamespacedLeaseWithHttpMessagesAsync(
                new V1Lease { Metadata = new V1ObjectMeta { Name = "worker" }, Spec = new V1LeaseSpec { HolderIdentity = "worker-0", LeaseDurationSeconds = 15 } }, @namespace))
            {
                AssertClassified(second, schemaUid, levelUid, "create");
            }

            // The same ServiceAccount's other requests keep the built-in classification (service-accounts, workload-low).
            var pods = await Assert.ThrowsAsync<HttpOperationException>(() => elector.CoreV1.ListNamespacedPodWithHttpMessagesAsync(@namespace));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, pods.Response.StatusCode); // Classified before it is authorized.
            var podSchema = Assert.Single(pods.Response.Headers.Single(h => h.Key.Equals(FlowSchemaHeader, StringComparison.OrdinalIgnoreCase)).Value);
            Assert.NotEqual(schemaUid, podSchema);
            Assert.Equal(await UidAsync("flowschema", "service-accounts"), podSchema);

            // Someone not a ServiceAccount: not the electors' either.
            using (var admin = await cluster.Client.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync("web", @namespace))
            {
                Assert.NotEqual(schemaUid, Header(admin, FlowSchemaHeader));
            }
        }
        finally
        {
            await cluster.KubectlAsync("delete", "flowschema,prioritylevelconfiguration", Name, "--ignore-not-found");
            await cluster.KubectlAsync("delete", "namespace", @namespace, "--wait=false");
        }
    }

    private static void AssertClassified(HttpOperationResponse answer, string schemaUid, string levelUid, string verb)
    {
        Assert.True(Header(answer, FlowSchemaHeader) == schemaUid, $"{verb}: FlowSchema {Header(answer, FlowSchemaHeader)}, not {Name} ({schemaUid})");
        Assert.True(Header(answer, PriorityLevelHeader) == levelUid, $"{verb}: priority level {Header(answer, PriorityLevelHeader)}, not {Name} ({levelUid})");
    }

    private static string? Header(HttpOperationResponse answer, string name) =>
        answer.Response.Headers.TryGetValues(name, out var values) ? values.SingleOrDefault() : null;

    private async Task<string> UidAsync(string resource, string name = Name)
    {
        var (exit, uid, stderr) = await cluster.KubectlAsync("get", resource, name, "-o", "jsonpath={.metadata.uid}");
        Assert.True(exit == 0 && uid.Length > 0, $"cannot read {resource} {name}: {stderr}");
        return uid;
    }

    /// <summary>
    /// A client with the credentials an injected elector has: a TokenRequest token of a ServiceAccount of the workload's
    /// namespace, allowed the elector's Lease verbs there (as the webhook's RoleBinding allows them).
    /// </summary>
    private async Task<Kubernetes> ElectorClientAsync(string @namespace)
    {
        foreach (var args in new[]
        {
            new[] { "create", "serviceaccount", ServiceAccount, "-n", @namespace },
            ["create", "role", "leases", "-n", @namespace, "--verb=get,list,watch,create,update", "--resource=leases.coordination.k8s.io"],
            ["create", "rolebinding", "leases", "-n", @namespace, "--role=leases", $"--serviceaccount={@namespace}:{ServiceAccount}"],
        })
        {
            var (exit, _, stderr) = await cluster.KubectlAsync(args);
            Assert.True(exit == 0, $"kubectl {string.Join(' ', args)} failed: {stderr}");
        }

        var token = await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 600 } }, ServiceAccount, @namespace);
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(cluster.ApiServerCaFile);
        return new Kubernetes(new KubernetesClientConfiguration { Host = cluster.ApiServerUrl, AccessToken = token.Status.Token, SslCaCerts = ca });
    }
}
