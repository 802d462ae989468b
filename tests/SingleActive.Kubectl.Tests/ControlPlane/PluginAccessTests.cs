using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.Support;
using SingleActive.Kubectl.CommandLine;

namespace SingleActive.Kubectl.Tests.ControlPlane;

/// <summary>
/// The plugin run by people who are not cluster admins, on a real API server (v1.20) with real RBAC and the real
/// controller-manager's ClusterRole aggregation: a user bound only to a namespace's built-in <c>view</c> role, then
/// granted the roles deploy/ ships (deploy/base/clusterrole-plugin.yaml, deploy/components/plugin-aggregation).
/// Its own control plane: the aggregation changes the built-in roles.
/// </summary>
public sealed class PluginAccessTests(ControlPlaneFixture cluster) : IClassFixture<ControlPlaneFixture>, IAsyncLifetime
{
    private static readonly string DeployDirectory = Path.Combine(RepositoryPaths.Root, "deploy");

    public async Task InitializeAsync()
    {
        await SeededCluster.SeedAsync(cluster, DateTimeOffset.UtcNow);
        await KubectlOkAsync(null, "apply", "-f", Path.Combine(DeployDirectory, "base", "clusterrole-plugin.yaml"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// One scenario, as its steps build on each other (the aggregation of the last changes what view grants). With
    /// the namespace's view role doctor checks what it may read (a Service that reaches the standbys is still an
    /// error), says for each refused read what it did not check, and takes none for a missing object; ClusterRole
    /// single-active-doctor bound in the namespace adds the namespace's Leases and RoleBindings, bound cluster-wide
    /// it makes the output the cluster admin's.
    /// </summary>
    [Fact]
    public async Task Plugin_NamespaceUsersThenTheShippedRoles_DoctorSkipsOnlyWhatItMayNotReadAndStatusAndPauseWorkAsGranted()
    {
        await DoctorAsync();
        await StatusAndPauseAsync();
    }

    private async Task DoctorAsync()
    {
        var viewer = await UserAsync("shop", "viewer", "view");

        var (exit, stdout, stderr) = await RunAsync(viewer, "doctor", "-n", "shop");

        Assert.Equal((ExitCodes.ProblemsFound, ""), (exit, stderr));
        Assert.Contains("ERROR   shop/deployment/cart: service/cart selects every replica", stdout, StringComparison.Ordinal);
        Assert.Equal(
            ["clusterrolebindings", "clusterroles", "mutatingwebhookconfigurations", "nodes", "shop/leases", "shop/rolebindings"],
            NotChecked(stdout));
        Assert.Contains("WARNING mutatingwebhookconfigurations: not checked: the webhook configuration (its scope, failure policy and CA certificate, and the replicas behind it); the API server refused the read: " +
            "mutatingwebhookconfigurations.admissionregistration.k8s.io \"single-active-webhook\" is forbidden: User \"system:serviceaccount:shop:viewer\" cannot get resource \"mutatingwebhookconfigurations\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("is not bound to ClusterRole", stdout, StringComparison.Ordinal);

        await KubectlOkAsync(null, "create", "rolebinding", "viewer-doctor", "--clusterrole=single-active-doctor", "--serviceaccount=shop:viewer", "-n", "shop");
        await UntilAllowedAsync(viewer, "list", "leases", "shop");
        (exit, stdout, _) = await RunAsync(viewer, "doctor", "-n", "shop");
        Assert.Equal(["clusterrolebindings", "clusterroles", "mutatingwebhookconfigurations", "nodes"], NotChecked(stdout));
        Assert.Contains("WARNING shop/deployment/cart: failover is paused", stdout, StringComparison.Ordinal);

        await KubectlOkAsync(null, "create", "clusterrolebinding", "viewer-doctor", "--clusterrole=single-active-doctor", "--serviceaccount=shop:viewer");
        await UntilAllowedAsync(viewer, "list", "nodes", null);
        // Two runs a moment apart of the same settled objects (nothing here runs controllers' pods): the same text,
        // unless the certificate's day of expiry turned in between.
        var admin = await RunAsync(cluster.KubeconfigPath, "doctor", "-n", "shop");
        var asViewer = await RunAsync(viewer, "doctor", "-n", "shop");
        Assert.Equal(admin, asViewer);
        Assert.Empty(NotChecked(asViewer.StdOut));
        Assert.Contains("clusterrole/single-active-elector-label: not found", asViewer.StdOut, StringComparison.Ordinal);
    }

    /// <summary>
    /// status needs the workload's Lease, which the built-in roles do not grant: refused, naming the roles to ask for.
    /// With deploy/components/plugin-aggregation the controller-manager adds the viewer's rules to view and the
    /// operator's to edit: the viewer reads status, an editor pauses and resumes, the viewer may not.
    /// </summary>
    private async Task StatusAndPauseAsync()
    {
        var viewer = await UserAsync("shop", "reader", "view");
        var editor = await UserAsync("shop", "editor", "edit");

        var (exit, stdout, stderr) = await RunAsync(viewer, "status", "-n", "shop");

        Assert.Equal((ExitCodes.Failed, ""), (exit, stdout));
        Assert.StartsWith("error: the API server refused: leases.coordination.k8s.io \"", stderr, StringComparison.Ordinal);
        Assert.Contains("is forbidden: User \"system:serviceaccount:shop:reader\" cannot get resource \"leases\"", stderr, StringComparison.Ordinal);
        Assert.Contains("ClusterRoles single-active-viewer, single-active-operator and single-active-doctor in deploy/base", stderr, StringComparison.Ordinal);

        await KubectlOkAsync(await AggregationYamlAsync(), "apply", "-f", "-");
        await UntilAllowedAsync(viewer, "get", "leases", "shop");
        await UntilAllowedAsync(editor, "patch", "leases", "shop");

        (exit, stdout, stderr) = await RunAsync(viewer, "status", "-n", "shop");
        Assert.True(exit == ExitCodes.Ok, stderr);
        Assert.Contains("deployment/web", stdout, StringComparison.Ordinal);
        (exit, _, stderr) = await RunAsync(viewer, "pause", "web", "-n", "shop", "--timeout", "1s");
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("cannot patch resource \"leases\"", stderr, StringComparison.Ordinal);
        (exit, _, stderr) = await RunAsync(editor, "pause", "web", "-n", "shop", "--timeout", "1s");
        Assert.True(exit == ExitCodes.Ok, stderr);
        (exit, _, stderr) = await RunAsync(editor, "resume", "web", "-n", "shop", "--timeout", "1s");
        Assert.True(exit == ExitCodes.Ok, stderr);
    }

    /// <summary>The subjects of the "not checked" warnings, in order.</summary>
    private static List<string> NotChecked(string doctorOutput) =>
        [.. doctorOutput.Split('\n').Where(l => l.StartsWith("WARNING ", StringComparison.Ordinal) && l.Contains(": not checked: ", StringComparison.Ordinal))
            .Select(l => l["WARNING ".Length..l.IndexOf(": not checked: ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal)];

    /// <summary>A ServiceAccount bound to <paramref name="clusterRole"/> in its namespace, and a kubeconfig with a token for it (as a person's would be).</summary>
    private async Task<string> UserAsync(string ns, string name, string clusterRole)
    {
        await KubectlOkAsync(null, "create", "serviceaccount", name, "-n", ns);
        await KubectlOkAsync(null, "create", "rolebinding", $"{name}-{clusterRole}", $"--clusterrole={clusterRole}", $"--serviceaccount={ns}:{name}", "-n", ns);
        var token = await cluster.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 3600 } }, name, ns);
        var path = Path.Combine(cluster.Directory, $"kubeconfig-{name}");
        var (_, minified, _) = await KubectlOkAsync(null, "config", "view", "--raw", "--minify");
        await File.WriteAllTextAsync(path, minified);
        var environment = new Dictionary<string, string> { ["KUBECONFIG"] = path };
        var (exit, _, stderr) = await ExternalCommand.RunAsync("kubectl", ["config", "set-credentials", "admin", "--token", token.Status.Token], environment);
        Assert.True(exit == 0, stderr);
        await UntilAllowedAsync(path, "list", "pods", ns);
        return path;
    }

    /// <summary>Waits until the API server's RBAC cache lets the kubeconfig's user do <paramref name="verb"/> (bindings and aggregation reach it through informers).</summary>
    private static async Task UntilAllowedAsync(string kubeconfig, string verb, string resource, string? ns)
    {
        var environment = new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig };
        string[] args = ns is null ? ["auth", "can-i", verb, resource] : ["auth", "can-i", verb, resource, "-n", ns];
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (_, stdout, _) = await ExternalCommand.RunAsync("kubectl", args, environment);
            if (stdout.Trim() == "yes")
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"{verb} {resource} not allowed after 30 s");
            await Task.Delay(100);
        }
    }

    /// <summary>The plugin's ClusterRoles as deploy/components/plugin-aggregation labels them, rendered by kubectl's kustomize.</summary>
    private async Task<string> AggregationYamlAsync()
    {
        var work = Path.Combine(cluster.Directory, "aggregation");
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Combine(work, "kustomization.yaml"), $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: ["{Path.GetRelativePath(work, Path.Combine(DeployDirectory, "base", "clusterrole-plugin.yaml"))}"]
            components: ["{Path.GetRelativePath(work, Path.Combine(DeployDirectory, "components", "plugin-aggregation"))}"]
            """);
        var (_, yaml, _) = await KubectlOkAsync(null, "kustomize", "--load-restrictor", "LoadRestrictionsNone", work);
        return yaml;
    }

    private async Task<(int ExitCode, string StdOut, string StdErr)> KubectlOkAsync(string? standardInput, params string[] args)
    {
        var result = await cluster.KubectlAsync(standardInput, args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {result.StdErr}");
        return result;
    }

    private static async Task<(int Exit, string StdOut, string StdErr)> RunAsync(string kubeconfig, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig };
        var exit = await new PluginCommands(stdout, stderr, name => environment.GetValueOrDefault(name), TimeProvider.System).RunAsync(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
