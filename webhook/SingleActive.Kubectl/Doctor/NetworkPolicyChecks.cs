using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// The NetworkPolicies of a namespace around one workload's electors (<see cref="NetworkPolicyRules"/>): where they
/// isolate its pods, each elector must still reach the Kubernetes API (else no replica reads the Lease and none leads),
/// and Prometheus, where it scrapes them, the elector's port. Pods on the node's network are left out: NetworkPolicy
/// does not apply to them.
/// </summary>
/// <remarks>
/// A policy is only as strong as the CNI that enforces it, and other kinds of policy (CiliumNetworkPolicy, Calico's,
/// AdminNetworkPolicy) can allow what these deny. So where the workload's Lease shows a cut-off pod renewing it, the
/// finding is information, not an error: something lets that traffic through.
/// </remarks>
internal static class NetworkPolicyChecks
{
    public static IEnumerable<Finding> Run(NamespaceSnapshot ns, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods, ApiServerDestinations? api, DateTimeOffset now)
    {
        if (ns.NetworkPolicies.Count == 0)
        {
            yield break; // None (or refused: RefusedReads says so).
        }

        var subject = $"{ns.Name}/{workload.Reference}";
        var electors = ActivePods.Of(workload, pods).Where(p => p.Spec?.HostNetwork != true && PodInjectionStatus.StatusOf(p) is not null).ToList();
        var cutOff = electors.Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingEgress(ns.NetworkPolicies, p.Metadata?.Labels)))
            .Where(e => e.By.Count > 0 && !ReachesApi(e.By, api)).ToList();
        if (cutOff.Count > 0)
        {
            yield return CutOffFromApi(ns, workload, subject, [.. cutOff.Select(c => c.Pod)], cutOff.Count == electors.Count, Names(cutOff.SelectMany(c => c.By)), api, now);
        }

        var closed = electors.Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingIngress(ns.NetworkPolicies, p.Metadata?.Labels), Port: ElectorPort(p)))
            .Where(e => e.By.Count > 0 && !NetworkPolicyRules.AdmitsTcp(e.By, e.Port, ElectorHttp.PortName)).ToList();
        if (closed.Count > 0)
        {
            var ports = string.Join(", ", closed.Select(c => c.Port).Distinct().Order());
            yield return new Finding(Severity.Info, subject,
                $"{Pods(closed.Select(c => c.Pod), electors.Count)}: ingress isolated by NetworkPolicy {Names(closed.SelectMany(c => c.By))}, with no rule admitting TCP to the elector's port {ElectorHttp.PortName} ({ports}): Prometheus, if it scrapes the electors, cannot (alert SingleActiveElectorDown; the kubelet's readiness probe comes from the node, which most CNIs let through)",
                $"where Prometheus scrapes them: {Example(ns.Name, "ingress")}");
        }
    }

    /// <summary>
    /// The webhook's replicas behind <paramref name="backend"/>: the API server calls them from its own address, so a
    /// policy isolating their ingress must admit the port the Service targets from anywhere or from an <c>ipBlock</c>. No
    /// rule for that port is an error, rules that admit it only from pods (pod and namespace selectors) a warning: a
    /// control plane that reaches the cluster through a proxy pod (Konnectivity's agent) may be among them. Either is
    /// information once an opted-in pod was created after the policies while the webhooks fail closed
    /// (<paramref name="failClosed"/>): its call got through.
    /// </summary>
    /// <param name="meanwhile">What happens to opted-in objects while no call gets through (the webhooks' failurePolicy).</param>
    /// <param name="optedIn">The single-active workloads' pods the snapshot holds, whose creation times show calls that got through.</param>
    public static Finding? ForWebhook(WebhookBackend backend, string meanwhile, bool failClosed, IEnumerable<V1Pod> optedIn)
    {
        if (backend.NetworkPolicies is not { Count: > 0 } policies || backend.Pods is not { Count: > 0 } pods
            || backend.Service?.Spec?.Ports?.FirstOrDefault(p => p.Port == backend.Port) is not { } servicePort)
        {
            return null;
        }

        var targets = pods.Where(p => p.Metadata?.DeletionTimestamp is null && p.Spec?.HostNetwork != true)
            .Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingIngress(policies, p.Metadata?.Labels), Target: TargetPort(servicePort, p)))
            .Where(t => t.By.Count > 0 && t.Target is not null).ToList();
        var closed = targets.Where(t => !NetworkPolicyRules.AdmitsTcp(t.By, t.Target!.Value.Number, t.Target.Value.Name)).ToList();
        var podsOnly = closed.Count > 0 ? [] : targets.Where(t => !NetworkPolicyRules.AdmitsTcpFromOutsideThePodNetwork(t.By, t.Target!.Value.Number, t.Target.Value.Name)).ToList();
        var found = closed.Count > 0 ? closed : podsOnly;
        if (found.Count == 0)
        {
            return null;
        }

        var all = found.Count == targets.Count;
        var problem = $"{Pods(found.Select(c => c.Pod), targets.Count)}: ingress isolated by NetworkPolicy {Names(found.SelectMany(c => c.By))}, " + (closed.Count > 0
            ? $"with no rule admitting TCP to {Port(found[0].Target!.Value)}, which the API server calls: no call gets through to {(all ? $"any webhook replica, so {meanwhile}" : "those replicas, and calls that land on them time out")}"
            : $"whose rules admit TCP to {Port(found[0].Target!.Value)} only from pods, but the API server calls from its own address, which no pod or namespace selector selects (unless it reaches the cluster through a proxy pod, as Konnectivity's agent): {(all ? $"if no call gets through, {meanwhile}" : "calls that land on those replicas may time out")}");
        var fix = "admit it from any address: add deploy/components/network-policy to your overlay, or a rule for that port from your control plane's range (ipBlock) (docs/install.md, \"Where NetworkPolicy denies by default\")";
        var newest = found.SelectMany(c => c.By).Max(p => p.Metadata?.CreationTimestamp);
        if (failClosed && newest is { } since && optedIn.Where(p => p.Metadata?.CreationTimestamp > since).MaxBy(p => p.Metadata.CreationTimestamp) is { } proof)
        {
            return new Finding(Severity.Info, backend.Subject,
                $"{problem}; yet pod {proof.Metadata.NamespaceProperty}/{proof.Metadata.Name} was admitted after {PolicyWord(found.SelectMany(c => c.By))} while the webhooks fail closed: the CNI does not enforce {PolicyWord(found.SelectMany(c => c.By))}, or another kind of policy (Cilium's, Calico's, AdminNetworkPolicy) lets the calls through",
                $"nothing to do while it does; should that change, {fix}");
        }

        return new Finding(closed.Count > 0 ? Severity.Error : Severity.Warning, backend.Subject, problem, fix);
    }

    private static Finding CutOffFromApi(NamespaceSnapshot ns, SingleActiveWorkload workload, string subject, List<V1Pod> cutOff, bool all, string policies, ApiServerDestinations? api, DateTimeOffset now)
    {
        var where = api is not null ? api.ToString() : "the API server (an address outside the pod network)";
        var problem = $"{Pods(cutOff, all ? cutOff.Count : 0)}: egress isolated by NetworkPolicy {policies}, with no rule allowing TCP to {where}";
        var fix = $"let them reach the API (TCP {ApiPorts(api)} out): {Example(ns.Name, "egress")}";
        var lease = ns.Leases.FirstOrDefault(l => l.Metadata?.Name == workload.LeaseName);
        // API times are UTC, whatever Kind the client gave them.
        if (lease?.Spec is { HolderIdentity: { } holder, RenewTime: { } renewed } spec && cutOff.Any(p => p.Metadata?.Name == holder)
            && now - new DateTimeOffset(DateTime.SpecifyKind(renewed, DateTimeKind.Utc)) is var age && age < TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 15))
        {
            return new Finding(Severity.Info, subject,
                $"{problem}; yet {holder} renewed Lease {lease.Metadata.Name} {Ages.Format(age)} ago: the CNI does not enforce these NetworkPolicies, or another kind of policy (Cilium's, Calico's, AdminNetworkPolicy) lets it through",
                $"nothing to do while it does; should that change, {fix}");
        }

        var one = cutOff.Count == 1;
        var consequence = !all
            ? $"{(one ? "its elector" : "their electors")} cannot reach the Lease, so {(one ? "it never leads or takes" : "they never lead or take")} over"
            : workload.Mode == ElectorMode.Label
                ? "no elector can read or renew the Lease: none leads, and none can move the single-active.io/role label, so the Service keeps the pod that last had it"
                : "no elector can read or renew the Lease: none leads, so no pod is Ready and the Service has no endpoint";
        return new Finding(Severity.Error, subject, $"{problem}: {consequence}", fix);
    }

    /// <summary>The Service's address or the API server's (whichever the CNI matches); without either, any address outside the pod network.</summary>
    private static bool ReachesApi(List<V1NetworkPolicy> isolating, ApiServerDestinations? api) =>
        api is null ? NetworkPolicyRules.AllowsTcpOutsideThePodNetwork(isolating) : api.All.Any(d => NetworkPolicyRules.AllowsTcpTo(isolating, d));

    /// <summary>The ports to open: those the cluster shows, else the usual ones (the Service's 443, the API server's 6443 on kubeadm).</summary>
    private static string ApiPorts(ApiServerDestinations? api) => api switch
    {
        null => "443 and 6443, or your API server's port,",
        { Servers.Count: 0 } => $"{string.Join(" and ", api.Service.Select(d => d.Port).Distinct().Order())} and the API server's own port behind it, 6443 on kubeadm,",
        _ => string.Join(" and ", api.All.Select(d => d.Port).Distinct().Order()),
    };

    private static string Example(string @namespace, string direction) =>
        $"kubectl apply -n {@namespace} -f deploy/examples/networkpolicy-electors-{direction}.yaml with its podSelector set to the pods' labels (docs/install.md, \"Where NetworkPolicy denies by default\")";

    /// <summary>The elector container's port, else the one the status annotation records, else the default.</summary>
    private static int ElectorPort(V1Pod pod) =>
        PodContainers.Elector(pod.Spec)?.Ports?.FirstOrDefault(p => p.Name == ElectorHttp.PortName)?.ContainerPort
        ?? (PodInjectionStatus.StatusOf(pod) is { } status && status.TryGetProperty("port", out var port) && port.TryGetInt32(out var number) ? number : ElectorHttp.DefaultPort);

    /// <summary>
    /// The port of <paramref name="pod"/> that <paramref name="servicePort"/> sends to, with its name: <c>targetPort</c> as a
    /// number or as the name of a container port (none when the pod has no port of that name), the Service's port when unset.
    /// </summary>
    private static (int Number, string? Name)? TargetPort(V1ServicePort servicePort, V1Pod pod)
    {
        var ports = (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? []).ToList();
        var target = servicePort.TargetPort?.Value;
        if (!string.IsNullOrEmpty(target) && !int.TryParse(target, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return ports.FirstOrDefault(p => p.Name == target) is { } named ? (named.ContainerPort, target) : null;
        }

        var number = string.IsNullOrEmpty(target) ? servicePort.Port : int.Parse(target, System.Globalization.CultureInfo.InvariantCulture);
        return (number, ports.FirstOrDefault(p => p.ContainerPort == number)?.Name);
    }

    private static string Port((int Number, string? Name) port) => port.Name is null ? $"port {port.Number}" : $"port {port.Name} ({port.Number})";

    /// <summary>"all 3 pods" when every one of <paramref name="of"/> (more than one) is meant, else "pod a" or "pods a, b".</summary>
    private static string Pods(IEnumerable<V1Pod> pods, int of)
    {
        var names = pods.Select(p => p.Metadata?.Name).ToList();
        return names.Count == of && of > 1 ? $"all {of} pods" : (names.Count == 1 ? "pod " : "pods ") + string.Join(", ", names);
    }

    private static string Names(IEnumerable<V1NetworkPolicy> policies) =>
        string.Join(", ", policies.Select(p => p.Metadata?.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    private static string PolicyWord(IEnumerable<V1NetworkPolicy> policies) =>
        policies.DistinctBy(p => p.Metadata?.Name).Count() == 1 ? "it" : "them";
}
