using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kubectl.Tests.ControlPlane;

/// <summary>
/// Several workloads in both modes, written straight to the API server as objects (Deployments paused and a
/// StatefulSet with no replicas, so no controller creates pods; pods, Nodes and Leases as electors and kubelets would
/// leave them), each with a misconfiguration <c>doctor</c> must find.
/// </summary>
public static class SeededCluster
{
    public static async Task SeedAsync(ControlPlaneFixture cluster, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var client = cluster.Client;
        foreach (var ns in (string[])["shop", "billing"])
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
            await client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "single-active-elector" } }, ns);
        }

        await client.CoreV1.CreateNodeAsync(Node("node-a", "v1.29.4"));
        await client.CoreV1.CreateNodeAsync(Node("node-old", "v1.28.3"));

        // The elector ClusterRole complete; the label-mode one missing (shop/cart is label mode).
        await client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = ElectorRbacNames.ElectorClusterRole },
            Rules =
            [
                new V1PolicyRule { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], Verbs = ["get", "list", "watch", "create", "update"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["events"], Verbs = ["create", "patch"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["pods/status"], Verbs = ["patch"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list", "watch"] },
                new V1PolicyRule { ApiGroups = ["apps"], Resources = ["replicasets", "deployments", "statefulsets"], Verbs = ["get"] },
            ],
        });

        // Node read as deploy/ ships it; the webhook added shop's account to the binding, not billing's.
        await client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = ElectorRbacNames.NodeClusterRole },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["get", "list", "watch"] }],
        });
        await client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = ElectorRbacNames.NodeClusterRoleBinding },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = ElectorRbacNames.NodeClusterRole },
            // An account of a namespace deleted since (the webhook drops it when it next adds one): doctor says so.
            Subjects =
            [
                new Rbacv1Subject { Kind = "ServiceAccount", Name = "single-active-elector", NamespaceProperty = "shop" },
                new Rbacv1Subject { Kind = "ServiceAccount", Name = "single-active-elector", NamespaceProperty = "preview-41" },
            ],
        });

        // failurePolicy Ignore, no scope (1.20 cannot store matchConditions), no workloads webhook, a CA expiring in 10 days.
        await client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = "single-active-webhook" },
            Webhooks =
            [
                new V1MutatingWebhook
                {
                    Name = "pods.single-active.io",
                    AdmissionReviewVersions = ["v1"],
                    SideEffects = "NoneOnDryRun",
                    FailurePolicy = "Ignore",
                    ClientConfig = new Admissionregistrationv1WebhookClientConfig { Url = "https://127.0.0.1:9/mutate", CaBundle = Ca(now.AddDays(10)) },
                    Rules = [new V1RuleWithOperations { ApiGroups = [""], ApiVersions = ["v1"], Operations = ["CREATE"], Resources = ["pods"] }],
                },
            ],
        });

        // shop/web: readiness mode, healthy: web-0 leads on node-a, web-1 can take over, web-2's app is unhealthy.
        await WorkloadAsync(client, "shop", "web", null, "100%");
        await BindAsync(client, "shop", ElectorRbacNames.ElectorClusterRole);
        await PodAsync(client, "shop", "web", "web-0", "node-a", true);
        await PodAsync(client, "shop", "web", "web-1", "node-a", true);
        await PodAsync(client, "shop", "web", "web-2", "node-a", false);
        await LeaseAsync(client, "shop", "web", "web-0", 2, now.AddMinutes(-7), new() { [Annotations.PreviousHolder] = "web-2" });

        // shop/cart: label mode, paused after its leader released the Lease; its Service selects every replica.
        await WorkloadAsync(client, "shop", "cart", "label", null);
        await PodAsync(client, "shop", "cart", "cart-1", "node-a", true, mode: "label");
        await LeaseAsync(client, "shop", "cart", null, 5, null, new() { [Annotations.PreviousHolder] = "cart-0", [Annotations.Paused] = "true" }, duration: 1);
        await client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "cart" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "cart" }, Ports = [new V1ServicePort { Port = 80 }] } },
            "shop");

        // billing/ledger: a stalling strategy, unsafe timings, a budget that traps drains, no RoleBinding, no node read, and
        // native sidecars on a 1.28 node; its last handover was refused.
        await WorkloadAsync(client, "billing", "ledger", null, "25%", new() { [Annotations.LeaseDuration] = "12s" });
        await PodAsync(client, "billing", "ledger", "ledger-0", "node-old", true, sidecar: "native");
        await PodAsync(client, "billing", "ledger", "ledger-1", "node-a", false, sidecar: "native");
        var refused = new HandoverRecord("ledger-1", "ledger-1", "ledger-0", HandoverOutcome.Refused, "the app of pod ledger-1 is unhealthy (the check answered unhealthy)", now.AddMinutes(-1));
        await LeaseAsync(client, "billing", "ledger", "ledger-0", 0, now.AddHours(-3), new() { [Annotations.LastHandover] = refused.ToJson() });
        // policy/v1beta1: the only version a 1.20 server serves (the AOT client's custom objects cannot write one).
        var (exit, _, error) = await cluster.KubectlAsync(
            "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: ledger, namespace: billing}\nspec: {minAvailable: 2, selector: {matchLabels: {app: ledger}}}\n",
            "apply", "-f", "-");
        if (exit != 0)
        {
            throw new InvalidOperationException("kubectl apply of the PodDisruptionBudget failed: " + error);
        }

        // billing: a default deny whose only exception is DNS, as namespaces locked down often start: the electors are cut off
        // from the API (doctor names the kubernetes Service; it has no Endpoints here, as the API server does not publish its
        // loopback address) and Prometheus from them.
        await client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(
            new V1NetworkPolicy
            {
                Metadata = new V1ObjectMeta { Name = "default-deny" },
                Spec = new V1NetworkPolicySpec
                {
                    PodSelector = new V1LabelSelector(),
                    PolicyTypes = ["Ingress", "Egress"],
                    Egress = [new V1NetworkPolicyEgressRule { Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new V1NetworkPolicyPort { Protocol = "TCP", Port = 53 }] }],
                },
            },
            "billing");

        // billing/db: a StatefulSet with OrderedReady that never ran.
        await client.AppsV1.CreateNamespacedStatefulSetAsync(
            new V1StatefulSet
            {
                Metadata = new V1ObjectMeta { Name = "db" },
                Spec = new V1StatefulSetSpec
                {
                    Replicas = 0,
                    ServiceName = "db",
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
                    Template = Template("db", null, null),
                },
            },
            "billing");
    }

    private static V1Node Node(string name, string kubelet) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Status = new V1NodeStatus { NodeInfo = new V1NodeSystemInfo { KubeletVersion = kubelet, Architecture = "amd64", BootID = "", ContainerRuntimeVersion = "", KernelVersion = "", KubeProxyVersion = "", MachineID = "", OperatingSystem = "linux", OsImage = "", SystemUUID = "" } },
    };

    private static V1PodTemplateSpec Template(string app, string? mode, Dictionary<string, string>? annotations)
    {
        var all = new Dictionary<string, string>(annotations ?? []) { [Annotations.Enabled] = "true" };
        if (mode is not null)
        {
            all[Annotations.Mode] = mode;
        }

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app }, Annotations = all },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
        };
    }

    private static async Task WorkloadAsync(IKubernetes client, string ns, string app, string? mode, string? maxUnavailable, Dictionary<string, string>? annotations = null) =>
        await client.AppsV1.CreateNamespacedDeploymentAsync(
            new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = app },
                Spec = new V1DeploymentSpec
                {
                    Replicas = 2,
                    Paused = true, // No ReplicaSet, no pods: the test writes the pods itself.
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = app } },
                    Strategy = maxUnavailable is null ? null : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = maxUnavailable, MaxSurge = "25%" } },
                    Template = Template(app, mode, annotations),
                },
            },
            ns);

    private static async Task BindAsync(IKubernetes client, string ns, string role) =>
        await client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = ElectorRbacNames.RoleBindingName(role, "single-active-elector") },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "single-active-elector", NamespaceProperty = ns }],
            },
            ns);

    private static async Task PodAsync(IKubernetes client, string ns, string app, string name, string node, bool candidate, string mode = "readiness", string sidecar = "container")
    {
        var status = $$"""{"version":"1.0.0","lease":"{{app}}","sidecar":"{{sidecar}}","sidecarReason":"auto: seeded","mode":"{{mode}}","serviceAccount":"single-active-elector","port":8099,"app":"app"}""";
        await client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app }, Annotations = new Dictionary<string, string> { [Annotations.Status] = status } },
                Spec = new V1PodSpec { NodeName = node, ServiceAccountName = "single-active-elector", AutomountServiceAccountToken = false, Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
            },
            ns);
        // As the elector advertises it (and a kubelet reports the phase); the AOT client takes patches as strings.
        var condition = new JsonObject
        {
            ["type"] = PodConditions.Candidate,
            ["status"] = candidate ? "True" : "False",
            ["reason"] = candidate ? PodConditions.CandidateReady : PodConditions.CandidateAppUnhealthy,
        };
        var patch = new JsonObject { ["status"] = new JsonObject { ["phase"] = "Running", ["conditions"] = new JsonArray(condition) } };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch), name, ns);
    }

    private static async Task LeaseAsync(IKubernetes client, string ns, string name, string? holder, int transitions, DateTimeOffset? acquired, Dictionary<string, string> annotations, int duration = 15) =>
        await client.CoordinationV1.CreateNamespacedLeaseAsync(
            new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = name, Annotations = annotations },
                Spec = new V1LeaseSpec { HolderIdentity = holder, LeaseTransitions = transitions, AcquireTime = acquired?.UtcDateTime, RenewTime = acquired?.UtcDateTime, LeaseDurationSeconds = duration },
            },
            ns);

    /// <summary>A self-signed CA certificate (PEM) valid until <paramref name="notAfter"/>.</summary>
    private static byte[] Ca(DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=single-active-webhook-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(notAfter.AddDays(-30), notAfter);
        return Encoding.ASCII.GetBytes(certificate.ExportCertificatePem());
    }
}
