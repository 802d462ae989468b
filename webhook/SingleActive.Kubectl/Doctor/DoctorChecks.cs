using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// What a careful operator checks, as pure functions of a <see cref="ClusterSnapshot"/>: the webhook configuration and
/// its scope, its certificate, the elector RBAC, each workload's sidecar form against its nodes, timings against the
/// safety bound, rollout strategies and disruption budgets that stall or trap, and label-mode Services. Every finding
/// names the fix.
/// </summary>
public static class DoctorChecks
{
    public const string WebhookConfigurationName = "single-active-webhook";
    public static readonly IReadOnlyList<string> WebhookNames = ["pods.single-active.io", "workloads.single-active.io"];

    /// <summary>Native sidecars (an init container with restartPolicy Always) need the kubelet at 1.29+.</summary>
    public static readonly Version NativeSidecarKubelet = new(1, 29);

    /// <summary>A webhook certificate that expires sooner than this is reported.</summary>
    public static readonly TimeSpan CertificateHeadsUp = TimeSpan.FromDays(30);

    private static readonly (string Group, string Resource, string[] Verbs, Severity Severity, string Why)[] ElectorRules =
    [
        ("coordination.k8s.io", "leases", ["get", "list", "watch", "create", "update"], Severity.Error, "the electors cannot campaign for their Lease"),
        ("", "events", ["create"], Severity.Warning, "leadership changes are not recorded as Events"),
        ("", "pods/status", ["patch"], Severity.Error, "a new leader cannot fence the previous one and never turns ready (readiness mode)"),
        ("", "pods", ["get", "list", "watch"], Severity.Warning, "a leader cannot check a handover's target and refuses every directed handover"),
        ("apps", "replicasets", ["get"], Severity.Warning, "during a rollout a leader cannot tell which standbys run the newest template revision"),
        ("apps", "deployments", ["get"], Severity.Warning, "during a rollout a leader cannot tell which standbys run the newest template revision"),
        ("apps", "statefulsets", ["get"], Severity.Warning, "during a rollout a leader cannot tell which standbys run the newest template revision"),
    ];

    /// <summary>What an elector that cannot read its node loses.</summary>
    private const string NoDrainHandover = "drain-aware handover is off: a leader hands over when its pod's deletion starts, not ahead of a drain of its node";

    public static IReadOnlyList<Finding> Run(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return [.. Webhook(snapshot, now), .. Rbac(snapshot), .. snapshot.Namespaces.SelectMany(ns => ns.Workloads.SelectMany(w => Workload(snapshot, ns, w.Workload, w.Pods)))];
    }

    private static IEnumerable<Finding> Webhook(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        const string subject = "mutatingwebhookconfiguration/" + WebhookConfigurationName;
        if (snapshot.WebhookConfiguration is not { } configuration)
        {
            yield return new Finding(Severity.Error, subject, "not found: nothing injects the elector, so opted-in pods created from now on run without it",
                "install it: kubectl apply -k deploy/overlays/self-signed (or deploy/overlays/cert-manager)");
            yield break;
        }

        foreach (var name in WebhookNames)
        {
            if (configuration.Webhooks?.FirstOrDefault(w => w.Name == name) is not { } webhook)
            {
                yield return new Finding(Severity.Error, subject, $"has no webhook {name}", "re-apply the overlay from deploy/");
                continue;
            }

            if (webhook.FailurePolicy != "Fail")
            {
                yield return new Finding(Severity.Error, subject, $"webhook {name} has failurePolicy {webhook.FailurePolicy ?? "unset"}: while no replica answers, opted-in objects are admitted without the elector",
                    "set failurePolicy: Fail (the scope below keeps other objects out of its reach)");
            }

            if (webhook.MatchConditions is { Count: > 0 })
            {
                continue;
            }

            if (webhook.NamespaceSelector?.MatchLabels is { } labels && labels.TryGetValue("single-active.io/injection", out var value) && value == "enabled")
            {
                yield return new Finding(Severity.Info, subject, $"webhook {name} uses the legacy scope (deploy/components/legacy-scope): only namespaces labelled single-active.io/injection=enabled are served",
                    "label the namespaces of single-active workloads: kubectl label namespace NS single-active.io/injection=enabled");
            }
            else
            {
                var version = snapshot.ServerVersion is { } v ? $"API server {v.Major}.{v.Minor}" : "this API server";
                yield return new Finding(Severity.Error, subject, $"webhook {name} has no matchConditions and no opt-in namespace label: every {(name.StartsWith("pods", StringComparison.Ordinal) ? "pod" : "workload")} created in the selected namespaces goes through the webhook and is rejected while no replica answers",
                    snapshot.ServerVersion is { } sv && sv < new Version(1, 28)
                        ? $"{version} cannot store matchConditions: add the component deploy/components/legacy-scope to your overlay"
                        : "re-apply the overlay from deploy/ (it sets matchConditions on the single-active annotation)");
            }
        }

        foreach (var finding in Certificate(configuration, subject, now))
        {
            yield return finding;
        }
    }

    private static IEnumerable<Finding> Certificate(V1MutatingWebhookConfiguration configuration, string subject, DateTimeOffset now)
    {
        var bundle = configuration.Webhooks?.FirstOrDefault()?.ClientConfig?.CaBundle;
        var certificates = new X509Certificate2Collection();
        try
        {
            if (bundle is { Length: > 0 })
            {
                certificates.ImportFromPem(Encoding.UTF8.GetString(bundle));
            }
        }
        catch (CryptographicException)
        {
        }

        if (certificates.Count == 0)
        {
            yield return new Finding(Severity.Error, subject, "no readable caBundle: the API server cannot verify the webhook's certificate and every opted-in object is rejected",
                "let the self-signed mode or cert-manager's cainjector fill it (docs/install.md), or set it from your CA: certs/generate.sh");
            yield break;
        }

        var expiry = certificates.Min(c => c.NotAfter.ToUniversalTime());
        if (expiry < now.UtcDateTime)
        {
            yield return new Finding(Severity.Error, subject, $"the caBundle's certificate expired on {expiry:yyyy-MM-dd}: the API server rejects the webhook",
                "renew the CA and the serving certificate (the self-signed mode renews them itself: is a webhook replica running?)");
        }
        else if (expiry - now.UtcDateTime < CertificateHeadsUp)
        {
            yield return new Finding(Severity.Warning, subject, $"the caBundle's certificate expires on {expiry:yyyy-MM-dd}", "renew the CA before then (docs/install.md)");
        }

        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    private static IEnumerable<Finding> Rbac(ClusterSnapshot snapshot)
    {
        var labelMode = snapshot.Namespaces.SelectMany(ns => ns.Workloads).Any(w => w.Workload.Mode == ElectorMode.Label);
        if (!snapshot.ClusterRoles.TryGetValue(ElectorRbacNames.ElectorClusterRole, out var elector))
        {
            yield return new Finding(Severity.Error, "clusterrole/" + ElectorRbacNames.ElectorClusterRole, "not found: no elector can reach its Lease", "apply the ClusterRoles in deploy/base (kubectl apply -k deploy/overlays/...)");
        }
        else
        {
            foreach (var (group, resource, verbs, severity, why) in ElectorRules)
            {
                var missing = verbs.Where(verb => !Allows(elector, group, resource, verb)).ToList();
                if (missing.Count > 0)
                {
                    yield return new Finding(severity, "clusterrole/" + ElectorRbacNames.ElectorClusterRole, $"does not grant {string.Join(", ", missing)} on {resource}: {why}",
                        "apply the ClusterRole that ships with this version (deploy/base/clusterrole-elector.yaml)");
                }
            }
        }

        const string nodeRole = "clusterrole/" + ElectorRbacNames.NodeClusterRole;
        if (!snapshot.ClusterRoles.TryGetValue(ElectorRbacNames.NodeClusterRole, out var node))
        {
            yield return new Finding(Severity.Warning, nodeRole, $"not found: no elector can read its node, so {NoDrainHandover}",
                "apply deploy/base/clusterrole-elector-node.yaml and clusterrolebinding-elector-node.yaml (kubectl apply -k deploy/overlays/...)");
        }
        else if (((string[])["get", "list", "watch"]).Where(verb => !Allows(node, "", "nodes", verb)).ToList() is { Count: > 0 } missing)
        {
            yield return new Finding(Severity.Warning, nodeRole, $"does not grant {string.Join(", ", missing)} on nodes: the electors cannot watch their node, so {NoDrainHandover}",
                "apply the ClusterRole that ships with this version (deploy/base/clusterrole-elector-node.yaml)");
        }

        if (!snapshot.NodeBindings.Any(b => b.Metadata.Name == ElectorRbacNames.NodeClusterRoleBinding))
        {
            yield return new Finding(Severity.Warning, "clusterrolebinding/" + ElectorRbacNames.NodeClusterRoleBinding,
                $"not found (or bound to another role): the webhook cannot add the elector accounts it provisions, so for their electors {NoDrainHandover}",
                "apply deploy/base/clusterrolebinding-elector-node.yaml (kubectl apply -k deploy/overlays/...)");
        }

        if (labelMode && !snapshot.ClusterRoles.TryGetValue(ElectorRbacNames.LabelClusterRole, out _))
        {
            yield return new Finding(Severity.Error, "clusterrole/" + ElectorRbacNames.LabelClusterRole, "not found, but label-mode workloads exist: their electors cannot label pods, so their Services have no endpoint",
                "apply deploy/base/clusterrole-elector-label.yaml");
        }
    }

    private static bool Allows(V1ClusterRole role, string group, string resource, string verb) =>
        role.Rules?.Any(rule =>
            (rule.ApiGroups ?? []).Any(g => g == group || g == "*")
            && (rule.Resources ?? []).Any(r => r == resource || r == "*")
            && (rule.Verbs ?? []).Any(v => v == verb || v == "*")) == true;

    private static IEnumerable<Finding> Workload(ClusterSnapshot snapshot, NamespaceSnapshot ns, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        var subject = $"{ns.Name}/{workload.Reference}";
        var injected = pods.Select(StatusOf).OfType<JsonElement>().ToList();
        if (pods.Count > 0 && injected.Count < pods.Count)
        {
            yield return new Finding(Severity.Error, subject, $"{pods.Count - injected.Count} of {pods.Count} pods run without the elector (no single-active.io/status annotation): created before the webhook served this namespace, or bypassing it",
                $"recreate them: kubectl rollout restart {workload.Reference} -n {ns.Name}");
        }

        foreach (var finding in Sidecar(snapshot, subject, pods, injected).Concat(Timings(subject, workload)).Concat(Bindings(snapshot, ns, subject, workload, pods)))
        {
            yield return finding;
        }

        if (workload.Mode == ElectorMode.Label)
        {
            foreach (var service in ns.Services.Where(s => s.Spec?.Selector is { Count: > 0 } selector && Selects(selector, workload)))
            {
                if (!service.Spec.Selector.TryGetValue(Labels.Role, out var role) || role != Labels.Leader)
                {
                    yield return new Finding(Severity.Error, subject, $"service/{service.Metadata.Name} selects every replica, not only the leader: in label mode clients reach the standbys too",
                        $"add {Labels.Role}: {Labels.Leader} to the Service's spec.selector");
                }
            }

            yield break;
        }

        switch (workload.Source)
        {
            case V1Deployment deployment when DeploymentStrategyPlanner.Stalls(deployment.Spec?.Strategy):
                yield return new Finding(Severity.Error, subject, $"rollouts stall: strategy RollingUpdate with maxUnavailable {deployment.Spec?.Strategy?.RollingUpdate?.MaxUnavailable?.Value ?? "25% (default)"}, but only the leader is ever Ready (readiness mode)",
                    $"set spec.strategy.rollingUpdate.maxUnavailable: 100% (the webhook does so when it admits the Deployment: is it served?), or use label mode");
                break;
            case V1StatefulSet statefulSet when statefulSet.Spec?.PodManagementPolicy != "Parallel":
                yield return new Finding(Severity.Error, subject, "podManagementPolicy OrderedReady: only the first pod is ever created, since the next waits for a Ready standby (readiness mode)",
                    "recreate it with Parallel: kubectl delete statefulset --cascade=orphan, then apply with podManagementPolicy: Parallel (docs/workloads.md)");
                break;
            case V1StatefulSet statefulSet when statefulSet.Spec?.UpdateStrategy?.Type is null or "RollingUpdate" && (statefulSet.Spec?.Replicas ?? 1) > 1:
                yield return new Finding(Severity.Warning, subject, "rolling updates stall after the first replaced standby, which never turns Ready (readiness mode)",
                    "use label mode, or updateStrategy OnDelete and delete the pods yourself, standbys first");
                break;
            default:
                break;
        }

        foreach (var warning in PodDisruptionBudgetAdvisor.Advise(ns.Budgets, workload.Workload))
        {
            yield return new Finding(Severity.Warning, subject, warning.Replace("single-active: ", "", StringComparison.Ordinal), "see docs/workloads.md#poddisruptionbudgets");
        }
    }

    private static IEnumerable<Finding> Sidecar(ClusterSnapshot snapshot, string subject, IReadOnlyList<V1Pod> pods, IReadOnlyList<JsonElement> injected)
    {
        if (injected.Count == 0)
        {
            yield break;
        }

        var status = injected[0];
        var native = Text(status, "sidecar") == "native";
        var reason = Text(status, "sidecarReason");
        yield return new Finding(Severity.Info, subject, $"elector runs as a {(native ? "native sidecar" : "regular container")}{(reason is null ? "" : $" ({reason})")}");
        if (!native)
        {
            yield break;
        }

        var nodeNames = pods.Select(p => p.Spec?.NodeName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var node in snapshot.Nodes.Where(n => nodeNames.Count == 0 || nodeNames.Contains(n.Metadata.Name)))
        {
            if (SnapshotReader.ParseVersion(new VersionInfo { GitVersion = node.Status?.NodeInfo?.KubeletVersion }) is { } kubelet && kubelet < NativeSidecarKubelet)
            {
                yield return new Finding(Severity.Error, subject, $"native sidecar, but node {node.Metadata.Name} runs kubelet {kubelet.Major}.{kubelet.Minor} (needs 1.29+): its pods never start there",
                    "upgrade the node, or have the webhook inject regular containers (--Injector:Sidecar=auto or container)");
            }
        }
    }

    private static IEnumerable<Finding> Timings(string subject, SingleActiveWorkload workload)
    {
        var annotations = workload.TemplateAnnotations ?? new Dictionary<string, string>();
        TimeSpan Read(string key, TimeSpan fallback) => annotations.TryGetValue(key, out var text) && Duration.TryParse(text, out var value) ? value : fallback;
        var timings = new ElectionTimings(
            Read(Annotations.LeaseDuration, ElectionTimings.Default.LeaseDuration),
            Read(Annotations.RenewDeadline, ElectionTimings.Default.RenewDeadline),
            Read(Annotations.RetryPeriod, ElectionTimings.Default.RetryPeriod));
        var period = (int)Read(Annotations.ProbePeriod, TimeSpan.FromSeconds(ReadinessProbeTimings.Default.PeriodSeconds)).TotalSeconds;
        foreach (var problem in timings.Validate(ReadinessProbeTimings.Default with { PeriodSeconds = Math.Max(period, 1) }))
        {
            yield return new Finding(Severity.Error, subject, "template timings: " + problem,
                "fix the single-active.io/lease-duration, renew-deadline, retry-period or probe-period annotations (the webhook denies such pods)");
        }
    }

    private static IEnumerable<Finding> Bindings(ClusterSnapshot snapshot, NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        if (pods.FirstOrDefault(p => StatusOf(p) is not null)?.Spec?.ServiceAccountName is not { Length: > 0 } account)
        {
            yield break; // No injected pod yet: the webhook binds the account when it admits the first.
        }

        foreach (var role in ElectorRbacNames.ClusterRolesFor(workload.Mode))
        {
            var name = ElectorRbacNames.RoleBindingName(role, account);
            var binding = ns.RoleBindings.FirstOrDefault(b => b.Metadata.Name == name);
            if (binding is null || binding.RoleRef?.Name != role || binding.Subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == account) != true)
            {
                yield return new Finding(Severity.Error, subject, $"ServiceAccount {account} is not bound to ClusterRole {role} (RoleBinding {name}): its electors {(role == ElectorRbacNames.LabelClusterRole ? "cannot label pods" : "cannot reach their Lease")}",
                    $"the webhook creates the binding when it admits a pod: kubectl rollout restart {workload.Reference} -n {ns.Name} (or apply the output of single-active-webhook inject)");
            }
        }

        // The webhook's shared binding, or the one `inject` writes for this account: either lets it read nodes.
        if (!snapshot.NodeBindings.Any(b => b.Subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == ns.Name) == true))
        {
            yield return new Finding(Severity.Warning, subject,
                $"ServiceAccount {account} is not a subject of ClusterRoleBinding {ElectorRbacNames.NodeClusterRoleBinding} (nor of {ElectorRbacNames.NodeClusterRoleBindingName(ns.Name, account)}): its electors cannot read their node, so {NoDrainHandover}",
                $"the webhook adds it when it admits a pod (it logs a warning when it cannot): kubectl rollout restart {workload.Reference} -n {ns.Name} (or apply the output of single-active-webhook inject)");
        }
    }

    private static bool Selects(IDictionary<string, string> selector, SingleActiveWorkload workload)
    {
        var labels = workload.Workload.Template.Metadata?.Labels ?? new Dictionary<string, string>();
        return selector.Where(p => p.Key != Labels.Role).All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value);
    }

    private static JsonElement? StatusOf(V1Pod pod)
    {
        if (pod.Metadata?.Annotations is not { } annotations || !annotations.TryGetValue(Annotations.Status, out var text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
