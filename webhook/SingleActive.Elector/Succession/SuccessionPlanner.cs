using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.NodeDrain;

namespace SingleActive.Elector.Succession;

/// <summary>
/// Decides, for a leader, whether maintenance calls for a handover and to whom: its node is about to be drained
/// (hand over to a standby on another node that is not draining, before any eviction), or a rollout is under way and
/// it runs an older template revision (hand over to a standby of the newest, once one can take over). The chosen
/// standby is the one of the newest revision, then the first by name; it must be able to take over now
/// (<see cref="HandoverDecision.WhyNot"/>: running, its app healthy, not being deleted).
/// </summary>
/// <remarks>
/// Costs, per check, while nothing is going on: the pod's own ReplicaSet and Deployment (or StatefulSet) read
/// (<see cref="IWorkloadRevisions.IsOutdatedAsync"/>; this pod's owner is read once). The pods of the namespace are
/// listed, and their workloads and nodes read, only while the node drains or a rollout is under way.
/// </remarks>
public sealed class SuccessionPlanner(ICandidatePods pods, IWorkloadRevisions revisions, INodeApi? nodes, DrainRules taints, string self)
{
    private CandidatePod? selfPod;

    /// <summary>The plan now. Throws when the pods cannot be read (the caller tries again next round).</summary>
    public async Task<SuccessionPlan> PlanAsync(NodeDrainState ownNode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownNode);

        // Owner, revision hash and node of a pod never change: read once.
        selfPod ??= await pods.GetAsync(self, cancellationToken).ConfigureAwait(false);
        var outdated = selfPod is not null && await revisions.IsOutdatedAsync(selfPod, cancellationToken).ConfigureAwait(false);
        if (!ownNode.Draining && !outdated)
        {
            return SuccessionPlan.Stay;
        }

        var others = (await pods.ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => p.Name != self && p.Lease == pods.LeaseName)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        var view = selfPod is null ? RevisionView.None : await revisions.ReadAsync(selfPod, others, cancellationToken).ConfigureAwait(false);
        var refusals = new List<string>();
        var eligible = new List<CandidatePod>();
        foreach (var pod in others)
        {
            if (await WhyNotAsync(pod, ownNode.Draining, cancellationToken).ConfigureAwait(false) is { } why)
            {
                refusals.Add(why);
            }
            else
            {
                eligible.Add(pod);
            }
        }

        var newest = eligible.OrderByDescending(p => view.RankOf(p.Name)).FirstOrDefault();
        if (ownNode.Draining)
        {
            if (newest is null)
            {
                var none = refusals.Count == 0 ? $"no other running replica campaigns for Lease {pods.LeaseName}" : string.Join("; ", refusals);
                return new SuccessionPlan(SuccessionAction.Blocked, PlannedHandover.NodeDrain, null, $"{ownNode.Reason}, and no standby on another node can take over: {none}", view.SelfOutdated);
            }

            return new SuccessionPlan(SuccessionAction.HandOver, PlannedHandover.NodeDrain, newest.Name, $"{ownNode.Reason}: handing the Lease to {newest.Name} on node {newest.NodeName ?? "?"} before the node is drained", view.SelfOutdated);
        }

        if (newest is null || view.RankOf(newest.Name) <= view.SelfRank)
        {
            // The rollout's updated pods cannot take over yet: keep leading, check again next round.
            return SuccessionPlan.Stay with { Outdated = true, Reason = "a rollout is under way, but no standby of a newer revision can take over yet" };
        }

        return new SuccessionPlan(
            SuccessionAction.HandOver,
            PlannedHandover.Rollout,
            newest.Name,
            $"a rollout is under way: {self} runs template {selfPod?.RevisionHash ?? "?"}, an older revision; handing the Lease to {newest.Name}, of the newest ({newest.RevisionHash ?? "?"})",
            true);
    }

    /// <summary>Why <paramref name="pod"/> cannot be the successor; <c>null</c> when it can.</summary>
    private async Task<string?> WhyNotAsync(CandidatePod pod, bool leavingNode, CancellationToken cancellationToken)
    {
        if (HandoverDecision.WhyNot(pod, pod.Name, pods.LeaseName) is { } why)
        {
            return why;
        }

        if (leavingNode && pod.NodeName is { } node && node == selfPod?.NodeName)
        {
            return $"pod {pod.Name} is on the same node";
        }

        // Its own candidacy says so too, when its elector can read its node; this also covers one that cannot.
        if (nodes is not null && pod.NodeName is { } name && await ReadNodeAsync(name, cancellationToken).ConfigureAwait(false) is { } snapshot
            && taints.Evaluate(snapshot) is { Draining: true } state)
        {
            return $"pod {pod.Name}: {state.Reason}";
        }

        return null;
    }

    private async Task<NodeSnapshot?> ReadNodeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await nodes!.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Kubernetes.KubeApiException)
        {
            return null; // Not readable (403): rely on the standby's own candidacy.
        }
    }
}
