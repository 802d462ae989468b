using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.NodeDrain;

namespace SingleActive.Elector.Succession;

/// <summary>
/// Decides, for a leader, whether maintenance calls for a handover and to whom: its node is about to be drained
/// (hand over to a standby on another node that is not draining, before any eviction), or a rollout is under way and
/// it runs an older template revision (hand over to a standby of the newest, once one can take over). The chosen
/// standby is the one of the newest revision, then one that has said it can take over, then the first by name; it must
/// be able to take over now (<see cref="HandoverDecision.WhyNot"/>: running, its app healthy, not being deleted), with
/// one exception at a release (remarks).
/// </summary>
/// <remarks>
/// <para><b>At a release the leader cannot put off</b> (its pod is being deleted, or SIGTERM;
/// <see cref="PlanReleaseAsync"/>) during a rollout, a label-mode standby of a newer revision that its kubelet reports
/// <c>Ready</c> counts even while its elector has not yet said it can take over (no candidate condition yet, or one
/// that says its app has not passed its check): in label mode <c>Ready</c> follows the app's readinessProbe, the probe
/// that elector checks too, but the two probe on their own clocks, and a rollout deletes the old leader the moment its
/// successor is <c>Ready</c>. Named in the release, it checks its app at once (<see cref="IAppHealth.CheckNow"/>) and
/// takes the Lease; should it not within the handover window, anyone may. Not for a node drain, which does not wait
/// for a replacement to be <c>Ready</c>.</para>
/// <para>Costs, per check, while nothing is going on: the pod's own ReplicaSet and Deployment (or StatefulSet) read
/// (<see cref="IWorkloadRevisions.IsOutdatedAsync"/>; this pod's owner is read once). The pods of the namespace are
/// listed, and their workloads and nodes read, only while the node drains or a rollout is under way (in a rollout, the
/// nodes of standbys of a newer revision only).</para>
/// </remarks>
public sealed class SuccessionPlanner(ICandidatePods pods, IWorkloadRevisions revisions, INodeApi? nodes, DrainRules taints, string self)
{
    private CandidatePod? selfPod;

    /// <summary>The plan now. Throws when the pods cannot be read (the caller tries again next round).</summary>
    public Task<SuccessionPlan> PlanAsync(NodeDrainState ownNode, CancellationToken cancellationToken) =>
        PlanAsync(ownNode, releasing: false, cancellationToken);

    /// <summary>
    /// The plan for a release that happens now whatever it says (the pod is being deleted, or SIGTERM): as
    /// <see cref="PlanAsync(NodeDrainState, CancellationToken)"/>, but a label-mode standby its kubelet reports
    /// <c>Ready</c> may be chosen before its elector has said it can take over (see the remarks). Throws when the pods
    /// cannot be read.
    /// </summary>
    public Task<SuccessionPlan> PlanReleaseAsync(NodeDrainState ownNode, CancellationToken cancellationToken) =>
        PlanAsync(ownNode, releasing: true, cancellationToken);

    private async Task<SuccessionPlan> PlanAsync(NodeDrainState ownNode, bool releasing, CancellationToken cancellationToken)
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

        // In a rollout only a standby of a newer revision will do: the others' nodes need not be read.
        foreach (var pod in ownNode.Draining ? others : others.Where(p => view.RankOf(p.Name) > view.SelfRank))
        {
            if (await WhyNotAsync(pod, ownNode.Draining, releasing, cancellationToken).ConfigureAwait(false) is { } why)
            {
                refusals.Add(why);
            }
            else
            {
                eligible.Add(pod);
            }
        }

        // Of the newest revision; of those one whose elector has said it can take over, then the first by name.
        var newest = eligible.OrderByDescending(p => view.RankOf(p.Name)).ThenBy(p => p.Candidate == true ? 0 : 1).FirstOrDefault();
        if (ownNode.Draining)
        {
            if (newest is null)
            {
                var none = refusals.Count == 0 ? $"no other running replica campaigns for Lease {pods.LeaseName}" : string.Join("; ", refusals);
                return new SuccessionPlan(SuccessionAction.Blocked, PlannedHandover.NodeDrain, null, $"{ownNode.Reason}, and no standby on another node can take over: {none}", view.SelfOutdated);
            }

            return new SuccessionPlan(SuccessionAction.HandOver, PlannedHandover.NodeDrain, newest.Name, $"{ownNode.Reason}: handing the Lease to {newest.Name} on node {newest.NodeName ?? "?"} before the node is drained", view.SelfOutdated);
        }

        if (newest is null)
        {
            // The rollout's updated pods cannot take over yet: keep leading, check again next round.
            return SuccessionPlan.Stay with { Outdated = true, Reason = "a rollout is under way, but no standby of a newer revision can take over yet" };
        }

        return new SuccessionPlan(
            SuccessionAction.HandOver,
            PlannedHandover.Rollout,
            newest.Name,
            $"a rollout is under way: {self} runs template {selfPod?.RevisionHash ?? "?"}, an older revision; handing the Lease to {newest.Name}, of the newest ({newest.RevisionHash ?? "?"})"
                + (newest.Candidate == true ? "" : ", which its kubelet reports Ready before its elector has said it can take over"),
            true);
    }

    /// <summary>Why <paramref name="pod"/> cannot be the successor; <c>null</c> when it can.</summary>
    private async Task<string?> WhyNotAsync(CandidatePod pod, bool leavingNode, bool releasing, CancellationToken cancellationToken)
    {
        if (HandoverDecision.WhyNot(pod, pod.Name, pods.LeaseName) is { } why && !(releasing && !leavingNode && ReadyBeforeItsElectorSaidSo(pod)))
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

    /// <summary>
    /// A label-mode standby that its kubelet reports <c>Ready</c> while its elector has not yet said it can take over,
    /// or has said only that its app has not passed its check yet, and that every other rule of
    /// <see cref="HandoverDecision.WhyNot"/> lets take over (running, not being deleted, campaigning for this Lease).
    /// </summary>
    private bool ReadyBeforeItsElectorSaidSo(CandidatePod pod) =>
        pod is { Ready: true }
        && (pod.Candidate is null || pod is { Candidate: false, CandidateReason: PodConditions.CandidateAppUnhealthy })
        && ElectorModes.TryParse(pod.Mode, out var mode) && mode == ElectorMode.Label
        && HandoverDecision.WhyNot(pod with { Candidate = true }, pod.Name, pods.LeaseName) is null;

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
