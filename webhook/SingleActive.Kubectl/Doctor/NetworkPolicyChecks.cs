using System.Globalization;
using System.Net;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.NetworkPolicies;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// The NetworkPolicies around the webhook's replicas (<see cref="ForWebhook"/>) and around one workload's electors
/// (<see cref="Run"/>), by the API's rules (<see cref="NetworkPolicyRules"/>). Pods on the node's network are left out
/// (NetworkPolicy does not apply to them), and so is a call into a pod from its own node (it always passes).
/// </summary>
/// <remarks>
/// A policy is only as strong as the CNI that enforces it, and other kinds of policy (Cilium's, Calico's,
/// AdminNetworkPolicy) can allow what these deny. So where the cluster shows the traffic passing on connections opened
/// after the policies (a cut-off elector's pod, created after them, renewing its Lease; an opted-in pod injected after
/// them and after the webhook's pods), a finding is information, not an error. Connections older than a policy prove
/// nothing: a connection-tracking dataplane keeps them open through a new deny. (An injected pod proves a call only
/// where the webhook serves its namespace: one injected offline elsewhere would mislead, which the message says.)
/// </remarks>
internal static class NetworkPolicyChecks
{
    private const string OtherPolicies = "the CNI does not enforce NetworkPolicy, or another kind of policy (Cilium's, Calico's, AdminNetworkPolicy) lets that traffic through";

    /// <summary>Each elector must reach the Kubernetes API (else none reads the Lease and none leads); Prometheus, where it scrapes them, the elector's port.</summary>
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
            yield return CutOffFromApi(ns, workload, subject, [.. cutOff.Select(c => c.Pod)], electors.Count, [.. cutOff.SelectMany(c => c.By)], api, now);
        }

        var closed = electors.Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingIngress(ns.NetworkPolicies, p.Metadata?.Labels), Port: ElectorPort(p)))
            .Where(e => e.By.Count > 0 && !NetworkPolicyRules.AdmitsTcp(e.By, e.Port, ElectorHttp.PortName)).ToList();
        if (closed.Count > 0)
        {
            var ports = string.Join(", ", closed.Select(c => c.Port).Distinct().Order());
            yield return new Finding(Severity.Info, subject,
                $"{Pods(closed.Select(c => c.Pod), electors.Count)}: ingress isolated by {NetworkPolicyRules.Describe(closed.SelectMany(c => c.By))}, with no rule admitting TCP to the elector's port {ElectorHttp.PortName} ({ports}): if Prometheus scrapes the electors, it cannot (alert SingleActiveElectorDown; the kubelet's readiness probe comes from the node, which always passes)",
                $"where Prometheus scrapes them: {Example(ns.Name, "ingress")}");
        }
    }

    /// <summary>
    /// The webhook's replicas behind <paramref name="backend"/>: the API server calls them from its own address, so a
    /// policy isolating their ingress must admit the port the Service targets from anywhere or from an <c>ipBlock</c>
    /// (or the API server runs on the replica's node). No rule for that port is an error, rules that admit it only from
    /// pods (pod and namespace selectors) a warning: a control plane that reaches the cluster through a proxy pod, such
    /// as Konnectivity's agent, may be among them.
    /// </summary>
    /// <param name="meanwhile">What happens to opted-in objects while no call gets through (the webhooks' failurePolicy).</param>
    /// <param name="optedIn">The single-active workloads' pods the snapshot holds: one injected after the policies and the replicas shows calls getting through.</param>
    public static Finding? ForWebhook(WebhookBackend backend, string meanwhile, ApiServerDestinations? api, IReadOnlyList<V1Pod> optedIn)
    {
        if (backend.NetworkPolicies is not { Count: > 0 } policies || backend.Pods is not { Count: > 0 } pods
            || backend.Service?.Spec?.Ports?.FirstOrDefault(p => p.Port == backend.Port) is not { } servicePort)
        {
            return null;
        }

        var targets = pods.Where(p => p.Metadata?.DeletionTimestamp is null && p.Spec?.HostNetwork != true && !OnTheApiServersNode(p.Status?.HostIP, api))
            .Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingIngress(policies, p.Metadata?.Labels), Target: TargetPort(servicePort, p)))
            .Where(t => t.By.Count > 0 && t.Target is not null)
            .Select(t => (t.Pod, t.By, Target: t.Target!.Value)).ToList();
        var closed = targets.Where(t => !NetworkPolicyRules.AdmitsTcp(t.By, t.Target.Number, t.Target.Name)).ToList();
        var found = closed.Count > 0 ? closed : targets.Where(t => !NetworkPolicyRules.AdmitsTcpFromOutsideThePodNetwork(t.By, t.Target.Number, t.Target.Name)).ToList();
        if (found.Count == 0)
        {
            return null;
        }

        var live = pods.Count(p => p.Metadata?.DeletionTimestamp is null);
        var all = found.Count == live;
        var them = found.Count == 1 ? "it" : "them";
        var isolating = found.SelectMany(c => c.By).DistinctBy(p => p.Metadata?.Name).ToList();
        var port = found[0].Target.Name is { } name ? $"port {name} ({found[0].Target.Number})" : $"port {found[0].Target.Number}";
        var problem = $"{Pods(found.Select(c => c.Pod), live)}: ingress isolated by {NetworkPolicyRules.Describe(isolating)}, " + (closed.Count > 0
            ? $"with no rule admitting TCP to {port}, which the API server calls: {(all ? $"no call gets through, so {meanwhile}" : $"calls that land on {them} time out")}"
            : $"whose rules admit TCP to {port} only from pods, but the API server calls from its own address, which no pod or namespace selector selects unless it reaches the cluster through a proxy pod such as Konnectivity's agent: {(all ? $"if no call gets through, {meanwhile}" : $"calls that land on {them} may time out")}");
        var fix = "admit that port from any address: add deploy/components/network-policy to your overlay, or a rule for it from your control plane's range with an ipBlock; docs/install.md, \"Where NetworkPolicy denies by default\"";
        var since = isolating.Select(p => p.Metadata?.CreationTimestamp).Concat(found.Select(c => c.Pod.Metadata?.CreationTimestamp)).Max();
        if (all && since is { } after && optedIn.Where(p => p.Metadata?.CreationTimestamp > after && PodInjectionStatus.StatusOf(p) is not null)
                .MaxBy(p => p.Metadata.CreationTimestamp) is { } proof)
        {
            return new Finding(Severity.Info, backend.Subject,
                $"{problem}; yet pod {proof.Metadata.NamespaceProperty}/{proof.Metadata.Name} was injected after the policies and these replicas were created (unless by single-active-webhook inject, offline): {OtherPolicies}",
                $"nothing to do while that lasts; should it change: {fix}");
        }

        return new Finding(closed.Count > 0 ? Severity.Error : Severity.Warning, backend.Subject, problem, fix);
    }

    private static Finding CutOffFromApi(NamespaceSnapshot ns, SingleActiveWorkload workload, string subject, List<V1Pod> cutOff, int electors, List<V1NetworkPolicy> isolating, ApiServerDestinations? api, DateTimeOffset now)
    {
        var where = api is not null ? api.ToString() : "an address outside the pod network on port 443 or 6443 (where the API server is could not be read)";
        var problem = $"{Pods(cutOff, electors)}: egress isolated by {NetworkPolicyRules.Describe(isolating)}, with no rule allowing TCP to {where}";
        var fix = $"let them reach the API ({ApiPorts(api)}): {Example(ns.Name, "egress")}";
        var newestPolicy = isolating.Max(p => p.Metadata?.CreationTimestamp);
        var lease = ns.Leases.FirstOrDefault(l => l.Metadata?.Name == workload.LeaseName);
        // API times are UTC, whatever Kind the client gave them.
        if (lease?.Spec is { HolderIdentity: { } holder, RenewTime: { } renewed } spec
            && cutOff.FirstOrDefault(p => p.Metadata?.Name == holder) is { } holderPod && holderPod.Metadata.CreationTimestamp > newestPolicy
            && now - new DateTimeOffset(DateTime.SpecifyKind(renewed, DateTimeKind.Utc)) is var age && age < TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 15))
        {
            return new Finding(Severity.Info, subject,
                $"{problem}; yet {holder}, created after the policies, renewed Lease {lease.Metadata.Name} {Ages.Format(age)} ago: {OtherPolicies}",
                $"nothing to do while that lasts; should it change: {fix}");
        }

        var one = cutOff.Count == 1;
        var consequence = cutOff.Count < electors
            ? $"{(one ? "its elector" : "their electors")} cannot reach the Lease, so {(one ? "it never leads or takes" : "they never lead or take")} over"
            : workload.Mode == ElectorMode.Label
                ? "no elector can read or renew the Lease: none leads, and none can move the single-active.io/role label, so the Service keeps the pod that last had it"
                : "no elector can read or renew the Lease: none leads, so no pod is Ready and the Service has no endpoint";
        // Where the API server is could not be read, a rule for TCP to another port outside the pod network may be its (minikube's 8443).
        return api is null && NetworkPolicyRules.AllowsTcpOutsideThePodNetwork(isolating, ports: null)
            ? new Finding(Severity.Warning, subject, $"{problem}: unless the API server listens on a port they allow, {consequence}", fix)
            : new Finding(Severity.Error, subject, $"{problem}: {consequence}", fix);
    }

    /// <summary>
    /// The Service's address or an API server's, whichever the CNI matches. With the API servers unknown, TCP 6443 to
    /// anywhere outside the pod network counts too; with nothing known, TCP 443 or 6443 to anywhere outside it (and
    /// <see cref="CutOffFromApi"/> says whether other ports are open).
    /// </summary>
    private static bool ReachesApi(List<V1NetworkPolicy> isolating, ApiServerDestinations? api) =>
        api is null
            ? NetworkPolicyRules.AllowsTcpOutsideThePodNetwork(isolating, ElectorEgressAdvisor.ApiPorts)
            : api.All.Any(d => NetworkPolicyRules.AllowsTcpTo(isolating, d)) || (api.Servers.Count == 0 && NetworkPolicyRules.AllowsTcpOutsideThePodNetwork(isolating, [6443]));

    /// <summary>Every API server runs on the node with address <paramref name="hostIp"/>: its calls into a pod there come from that node, which always passes.</summary>
    private static bool OnTheApiServersNode(string? hostIp, ApiServerDestinations? api) =>
        api is { Servers.Count: > 0 } && IPAddress.TryParse(hostIp, out var host) && api.Servers.All(s => s.Address.Equals(host));

    /// <summary>The ports to open: those the cluster shows, else the usual ones (the Service's 443, the API server's 6443 on kubeadm).</summary>
    private static string ApiPorts(ApiServerDestinations? api) => api switch
    {
        null => "TCP 443 and 6443 out, or your API server's port",
        { Servers.Count: 0 } => $"TCP {string.Join(" and ", api.Service.Select(d => d.Port).Distinct().Order())} out, and the API server's own port: 6443 on kubeadm",
        _ => $"TCP {string.Join(" and ", api.All.Select(d => d.Port).Distinct().Order())} out",
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
        var number = string.IsNullOrEmpty(target) ? servicePort.Port
            : int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : ports.FirstOrDefault(p => p.Name == target)?.ContainerPort;
        return number is { } n ? (n, ports.FirstOrDefault(p => p.ContainerPort == n)?.Name) : null;
    }

    /// <summary>"both pods" or "all 3 pods" when every one of <paramref name="of"/> is meant, else "pod a" or "pods a, b".</summary>
    private static string Pods(IEnumerable<V1Pod> pods, int of)
    {
        var names = pods.Select(p => p.Metadata?.Name).ToList();
        return names.Count == of && of > 1 ? (of == 2 ? "both pods" : $"all {of} pods") : (names.Count == 1 ? "pod " : "pods ") + string.Join(", ", names);
    }
}
