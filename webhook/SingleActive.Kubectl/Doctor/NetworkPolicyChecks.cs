using System.Globalization;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// The NetworkPolicies around the webhook's replicas (<see cref="ForWebhook"/>) and around one workload's electors (<see cref="NetworkPolicyRules"/>): where they isolate its pods,
/// each elector must still reach the Kubernetes API (else no replica ever reads the Lease: none leads, the Service has
/// no endpoint) and Prometheus its port (else its metrics and every alert built on them are gone for that pod). Both
/// are reported with the policies that isolate the pods and what deploy/examples/networkpolicy-electors.yaml adds.
/// </summary>
internal static class NetworkPolicyChecks
{
    public static IEnumerable<Finding> Run(ClusterSnapshot snapshot, NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        if (ns.NetworkPolicies is not { Count: > 0 } policies)
        {
            yield break; // None (or refused: RefusedReads says so).
        }

        var electors = ActivePods.Of(workload, pods).Where(p => PodInjectionStatus.StatusOf(p) is not null).ToList();
        var cutOff = electors.Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingEgress(policies, p.Metadata?.Labels)))
            .Where(e => e.By.Count > 0 && !ReachesApi(e.By, snapshot.ApiServer)).ToList();
        if (cutOff.Count > 0)
        {
            var api = snapshot.ApiServer is { } known ? known.ToString() : "the API server (an address outside the pod network)";
            var consequence = cutOff.Count == electors.Count
                ? "no elector can read or renew the Lease, so none leads and the Service has no endpoint"
                : "their electors cannot reach the Lease, so they never lead or take over";
            yield return new Finding(Severity.Error, subject,
                $"{Pods(cutOff.Select(c => c.Pod), electors.Count)}: egress isolated by NetworkPolicy {Names(cutOff.SelectMany(c => c.By))}, with no rule allowing TCP to {api}: {consequence}",
                $"let them reach the API (TCP 443 and 6443 out): {Example(ns.Name)}");
        }

        var closed = electors.Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingIngress(policies, p.Metadata?.Labels), Port: ElectorPort(p)))
            .Where(e => e.By.Count > 0 && !NetworkPolicyRules.AdmitsTcp(e.By, e.Port, ElectorHttp.PortName)).ToList();
        if (closed.Count > 0)
        {
            yield return new Finding(Severity.Warning, subject,
                $"{Pods(closed.Select(c => c.Pod), electors.Count)}: ingress isolated by NetworkPolicy {Names(closed.SelectMany(c => c.By))}, with no rule admitting TCP to the elector's port {ElectorHttp.PortName} ({closed[0].Port}): Prometheus cannot scrape their electors (alert SingleActiveElectorDown; the kubelet's readiness probe comes from the node, which most CNIs let through)",
                $"admit it: {Example(ns.Name)}");
        }
    }

    /// <summary>
    /// The webhook's replicas behind <paramref name="backend"/>: the API server calls them from its own address, so a
    /// policy isolating their ingress must admit the port the Service targets from anywhere or from an <c>ipBlock</c>. No
    /// rule for that port at all is an error; rules that admit it only from pods (pod and namespace selectors) a warning,
    /// as a control plane that reaches the cluster through a proxy pod (Konnectivity's agent) may still be among them.
    /// </summary>
    /// <param name="meanwhile">What happens to opted-in objects while no call gets through (the webhooks' failurePolicy).</param>
    public static Finding? ForWebhook(WebhookBackend backend, string meanwhile)
    {
        if (backend.NetworkPolicies is not { Count: > 0 } policies || backend.Pods is not { Count: > 0 } pods
            || backend.Service?.Spec?.Ports?.FirstOrDefault(p => p.Port == backend.Port) is not { } servicePort)
        {
            return null;
        }

        var targets = pods.Where(p => p.Metadata?.DeletionTimestamp is null)
            .Select(p => (Pod: p, By: NetworkPolicyRules.IsolatingIngress(policies, p.Metadata?.Labels), Target: TargetPort(servicePort, p)))
            .Where(t => t.By.Count > 0 && t.Target is not null).ToList();
        var closed = targets.Where(t => !NetworkPolicyRules.AdmitsTcp(t.By, t.Target!.Value.Number, t.Target.Value.Name)).ToList();
        var podsOnly = targets.Where(t => !NetworkPolicyRules.AdmitsTcpFromOutsideThePodNetwork(t.By, t.Target!.Value.Number, t.Target.Value.Name)).Except(closed).ToList();
        var fix = "admit it from any address: add deploy/components/network-policy to your overlay, or a rule for that port from your control plane's range (ipBlock) (docs/install.md, \"Where NetworkPolicy denies by default\")";
        if (closed.Count > 0)
        {
            return new Finding(Severity.Error, backend.Subject,
                $"{Pods(closed.Select(c => c.Pod), targets.Count)}: ingress isolated by NetworkPolicy {Names(closed.SelectMany(c => c.By))}, with no rule admitting TCP to {Port(closed[0].Target!.Value)}, which the API server calls: no call gets through to {(closed.Count == targets.Count ? "any webhook replica" : "those replicas")}, so {(closed.Count == targets.Count ? meanwhile : "calls that land on them time out")}",
                fix);
        }

        return podsOnly.Count == 0 ? null : new Finding(Severity.Warning, backend.Subject,
            $"{Pods(podsOnly.Select(c => c.Pod), targets.Count)}: ingress isolated by NetworkPolicy {Names(podsOnly.SelectMany(c => c.By))}, whose rules admit TCP to {Port(podsOnly[0].Target!.Value)} only from pods, but the API server calls from its own address, which no pod or namespace selector selects (unless it reaches the cluster through a proxy pod, as Konnectivity's agent): {(podsOnly.Count == targets.Count ? $"if no call gets through, {meanwhile}" : "calls that land on them may time out")}",
            fix);
    }

    /// <summary>The Service's address or the API server's (whichever the CNI matches); without either, any address outside the pod network.</summary>
    private static bool ReachesApi(List<V1NetworkPolicy> isolating, ApiServerDestinations? api) =>
        api is null ? NetworkPolicyRules.AllowsTcpOutsideThePodNetwork(isolating) : api.All.Any(d => NetworkPolicyRules.AllowsTcpTo(isolating, d));

    private static string Example(string @namespace) =>
        $"kubectl apply -n {@namespace} -f deploy/examples/networkpolicy-electors.yaml with its podSelector set to the pods' labels (docs/install.md, \"Where NetworkPolicy denies by default\")";

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
        if (!string.IsNullOrEmpty(target) && !int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return ports.FirstOrDefault(p => p.Name == target) is { } named ? (named.ContainerPort, target) : null;
        }

        var number = string.IsNullOrEmpty(target) ? servicePort.Port : int.Parse(target, CultureInfo.InvariantCulture);
        return (number, ports.FirstOrDefault(p => p.ContainerPort == number)?.Name);
    }

    private static string Port((int Number, string? Name) port) => port.Name is null ? $"port {port.Number}" : $"port {port.Name} ({port.Number})";

    private static string Pods(IEnumerable<V1Pod> pods, int of)
    {
        var names = pods.Select(p => p.Metadata?.Name).ToList();
        return names.Count == of && of > 1 ? $"all {of} pods" : (names.Count == 1 ? "pod " : "pods ") + string.Join(", ", names);
    }

    private static string Names(IEnumerable<V1NetworkPolicy> policies) =>
        string.Join(", ", policies.Select(p => p.Metadata?.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
