using System.Net;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// deploy/components/priority-and-fairness on the real API server: applied (with the documented 1.20 rewrites of
/// <see cref="ApiServer120Compatibility"/>), the Lease requests an elector makes for its term (get, create, update) with
/// a TokenRequest token of its namespace's ServiceAccount go to its FlowSchema and priority level; that ServiceAccount's
/// other requests, kube-system's ServiceAccounts and a user do not. The API server's priority-and-fairness filter names
/// the FlowSchema and priority level it chose in its answer (headers <c>X-Kubernetes-PF-FlowSchema-UID</c>,
/// <c>X-Kubernetes-PF-PriorityLevel-UID</c>; k8s.io/apiserver pkg/server/filters/priority-and-fairness.go), also for a
/// request it then refuses (classification comes before authorization), so the test reads the server's own decision.
/// A watch is not classified on 1.20 (long-running requests bypass the filter there); <c>system:masters</c> (this test's
/// administrator) always matches the built-in <c>exempt</c> schema first, whatever the component says.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PriorityAndFairnessTests(ControlPlaneFixture cluster)
{
    private const string Name = "single-active-electors";
    private const string ServiceAccount = "single-active-elector";
    private const string FlowSchemaHeader = "X-Kubernetes-PF-FlowSchema-UID";
    private const string PriorityLevelHeader = "X-Kubernetes-PF-PriorityLevel-UID";

    /// <summary>Every FlowSchema's and priority level's name by uid, read once the component is applied.</summary>
    private Dictionary<string, string> classifiers = [];

    [Fact]
    public async Task Component_Applied_ElectorsLeaseRequestsGoToTheirLevelAndNothingElseDoes()
    {
        var built = await Kustomize.BuildWithComponentsAsync("overlays/self-signed", "components/priority-and-fairness");
        var component = built.Where(o => ((string?)o["apiVersion"])?.StartsWith("flowcontrol.apiserver.k8s.io/", StringComparison.Ordinal) == true).ToList();
        Assert.Equal([$"FlowSchema/{Name}", $"PriorityLevelConfiguration/{Name}"], component.Select(Kustomize.Describe).Order());
        Assert.Equal(Name, (string?)Kustomize.Single(component, "FlowSchema", Name)["spec"]!["priorityLevelConfiguration"]!["name"]);
        var (stripped, removed) = ApiServer120Compatibility.Strip(component);
        Assert.Equal(ApiServer120Compatibility.PriorityAndFairness.Order(), removed.Order());

        var @namespace = await cluster.CreateNamespaceAsync("apf");
        var kubeSystemAccount = $"apf-{Guid.NewGuid().ToString("N")[..5]}";
        try
        {
            var (applied, _, applyError) = await cluster.KubectlWithInputAsync(YamlJson.ToList(stripped), "apply", "-f", "-");
            Assert.True(applied == 0, $"applying the component (stripped of: {string.Join("; ", removed)}) failed:\n{applyError}");
            classifiers = await ClassifiersAsync();
            using var elector = await ServiceAccountClientAsync(@namespace, ServiceAccount, "--verb=get,create,update", "--resource=leases.coordination.k8s.io");
            await CreateLeaseAsync(elector, @namespace, "web");

            // The API server's configuration controller takes a new FlowSchema in from its informer, a moment after it is written.
            await Eventually.UntilAsync(
                async () => (await ClassificationAsync(() => elector.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync("web", @namespace))).Schema == Name,
                TimeSpan.FromSeconds(30),
                $"a Lease read classified into FlowSchema {Name}");

            // The Lease verbs of an elector's term: its FlowSchema and its priority level.
            Assert.Equal((Name, Name), await ClassificationAsync(() => elector.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync("web", @namespace)));
            var lease = await elector.CoordinationV1.ReadNamespacedLeaseAsync("web", @namespace);
            lease.Spec.RenewTime = DateTime.UtcNow;
            Assert.Equal((Name, Name), await ClassificationAsync(() => elector.CoordinationV1.ReplaceNamespacedLeaseWithHttpMessagesAsync(lease, "web", @namespace)));
            Assert.Equal((Name, Name), await ClassificationAsync(() => elector.CoordinationV1.CreateNamespacedLeaseWithHttpMessagesAsync(NewLease("worker"), @namespace)));

            // Lease lists (informers of other programs, which charge by the cluster's Lease count) and the same
            // ServiceAccount's other requests keep the built-in classification.
            Assert.Equal(("service-accounts", "workload-low"), await ClassificationAsync(() => elector.CoordinationV1.ListNamespacedLeaseWithHttpMessagesAsync(@namespace)));
            Assert.Equal(("service-accounts", "workload-low"), await ClassificationAsync(() => elector.CoreV1.ListNamespacedPodWithHttpMessagesAsync(@namespace)));

            // kube-system's ServiceAccounts keep the built-in schemas, which match first.
            using (var kubeSystem = await ServiceAccountClientAsync("kube-system", kubeSystemAccount))
            {
                Assert.Equal(("system-leader-election", "leader-election"), await ClassificationAsync(() => kubeSystem.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync("web", @namespace)));
            }

            // A user, not a ServiceAccount (impersonated: the administrator itself matches exempt first): not the electors' either.
            var asUser = new Dictionary<string, IReadOnlyList<string>> { ["Impersonate-User"] = ["jane"] };
            Assert.Equal(("global-default", "global-default"), await ClassificationAsync(() => cluster.Client.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync("web", @namespace, customHeaders: asUser)));
        }
        finally
        {
            await cluster.KubectlAsync("delete", "flowschema,prioritylevelconfiguration", Name, "--ignore-not-found");
            await cluster.KubectlAsync("delete", "serviceaccount", kubeSystemAccount, "-n", "kube-system", "--ignore-not-found");
            await cluster.KubectlAsync("delete", "namespace", @namespace, "--wait=false");
        }
    }

    private static V1Lease NewLease(string name) =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1LeaseSpec { HolderIdentity = $"{name}-0", LeaseDurationSeconds = 15 } };

    /// <summary>Creates the Lease once the new RoleBinding lets the ServiceAccount (the authorizer's cache lags a write); an attempt that landed unanswered counts.</summary>
    private static Task CreateLeaseAsync(IKubernetes client, string @namespace, string name) =>
        Eventually.SucceedsAsync(
            async () =>
            {
                try
                {
                    return await client.CoordinationV1.CreateNamespacedLeaseAsync(NewLease(name), @namespace);
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    return await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace);
                }
            },
            TimeSpan.FromSeconds(30),
            $"Lease {name} created with the elector's ServiceAccount");

    /// <summary>The names of the FlowSchema and priority level the API server put the request in, whether it then served or refused it.</summary>
    private async Task<(string Schema, string Level)> ClassificationAsync<T>(Func<Task<HttpOperationResponse<T>>> request)
    {
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers;
        try
        {
            using var answer = await request();
            headers = answer.Response.Headers;
        }
        catch (HttpOperationException e)
        {
            headers = e.Response.Headers;
        }

        string NameOf(string header) =>
            headers.FirstOrDefault(h => h.Key.Equals(header, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() is not { } uid ? "(no header)"
            : classifiers.GetValueOrDefault(uid) ?? $"(unknown uid {uid})";
        return (NameOf(FlowSchemaHeader), NameOf(PriorityLevelHeader));
    }

    private async Task<Dictionary<string, string>> ClassifiersAsync()
    {
        var (exit, listed, stderr) = await cluster.KubectlAsync("get", "flowschemas,prioritylevelconfigurations", "-o", "jsonpath={range .items[*]}{.metadata.uid}={.metadata.name}{\"\\n\"}{end}");
        Assert.True(exit == 0, $"cannot list the FlowSchemas and priority levels: {stderr}");
        return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
    }

    /// <summary>
    /// A client with the credentials an injected elector has: a TokenRequest token of a ServiceAccount, allowed
    /// <paramref name="rule"/> in its namespace when given (as the webhook's RoleBinding allows an elector its Lease verbs).
    /// </summary>
    private async Task<Kubernetes> ServiceAccountClientAsync(string @namespace, string account, params string[] rule)
    {
        var commands = new List<string[]> { new[] { "create", "serviceaccount", account, "-n", @namespace } };
        if (rule.Length > 0)
        {
            commands.Add(["create", "role", account, "-n", @namespace, .. rule]);
            commands.Add(["create", "rolebinding", account, "-n", @namespace, $"--role={account}", $"--serviceaccount={@namespace}:{account}"]);
        }

        foreach (var args in commands)
        {
            var (exit, _, stderr) = await cluster.KubectlAsync(args);
            Assert.True(exit == 0, $"kubectl {string.Join(' ', args)} failed: {stderr}");
        }

        var token = await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 600 } }, account, @namespace);
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(cluster.ApiServerCaFile);
        return new Kubernetes(new KubernetesClientConfiguration { Host = cluster.ApiServerUrl, AccessToken = token.Status.Token, SslCaCerts = ca });
    }
}
