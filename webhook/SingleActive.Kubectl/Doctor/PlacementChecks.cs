using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// Where one workload's replicas run: a standby on the leader's node, or in its zone, is lost with it. All replicas on
/// one node means a node failure stops the leader and every standby at once, and a drain of that node has no standby
/// elsewhere to hand over to (the elector's drain handover, docs/elector.md); all in one zone of a cluster that spans
/// several, the same for a zone outage.
/// </summary>
internal static class PlacementChecks
{
    /// <summary>The well-known label of a node's zone (kubernetes.io/docs/reference/labels-annotations-taints).</summary>
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    public const string HostnameLabel = "kubernetes.io/hostname";

    public static IEnumerable<Finding> Run(ClusterSnapshot snapshot, NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        var nodes = ActivePods.Of(workload, pods).Select(p => p.Spec?.NodeName).ToList();
        if (snapshot.WasRefused(RefusedReads.Nodes))
        {
            yield break; // Without the nodes a one-node cluster looks like a crowded one; RefusedReads says so.
        }

        if (nodes.Count < 2 || nodes.Any(n => string.IsNullOrEmpty(n)) || snapshot.Nodes.Count == 1)
        {
            // One replica has nothing to spread; a pod not scheduled yet may still land elsewhere; a one-node
            // cluster (kind, minikube, the edge) has nowhere else.
            yield break;
        }

        var distinct = nodes.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 1)
        {
            yield return new Finding(Severity.Warning, subject,
                $"all {nodes.Count} replicas run on node {distinct[0]}: a failure of that node stops the leader and every standby at once, and its drain has no standby elsewhere to hand over to",
                Spread(ns, workload, HostnameLabel));
            yield break;
        }

        var zoneOf = snapshot.Nodes.Where(n => n.Metadata?.Labels?.ContainsKey(ZoneLabel) == true)
            .ToDictionary(n => n.Metadata.Name, n => n.Metadata.Labels[ZoneLabel], StringComparer.Ordinal);
        var clusterZones = zoneOf.Values.Distinct(StringComparer.Ordinal).Count();
        var zones = distinct.Select(n => zoneOf.GetValueOrDefault(n!)).Distinct(StringComparer.Ordinal).ToList();
        if (clusterZones > 1 && zones is [{ } zone])
        {
            yield return new Finding(Severity.Info, subject,
                $"all {nodes.Count} replicas run in zone {zone}, of the {clusterZones} zones its nodes span: an outage of that zone stops the leader and every standby at once",
                Spread(ns, workload, ZoneLabel));
        }
    }

    private static string Spread(NamespaceSnapshot ns, SingleActiveWorkload workload, string topologyKey) =>
        $"spread them: give the pod template a topologySpreadConstraint on {topologyKey} (maxSkew: 1, whenUnsatisfiable: ScheduleAnyway, " +
        "its labelSelector the workload's) or a preferred podAntiAffinity; the template change replaces the pods" +
        (workload.Source is V1StatefulSet { Spec.UpdateStrategy.Type: "OnDelete" } ? $" once you delete them (updateStrategy OnDelete: one at a time, standbys first, in namespace {ns.Name})" : "");
}
