namespace SingleActive.Elector.Election;

/// <summary>What the leader reads of a pod before it hands the Lease to it (see <see cref="HandoverDecision"/>).</summary>
/// <param name="Name">The pod's name: the identity its elector campaigns with.</param>
/// <param name="Lease">The Lease its elector campaigns for (the <c>lease</c> of its <c>single-active.io/status</c> annotation); null when it has none.</param>
/// <param name="Deleting">It has a deletionTimestamp.</param>
/// <param name="Phase">status.phase (<c>Running</c>, <c>Pending</c>, …).</param>
/// <param name="Candidate">Its <c>single-active.io/candidate</c> condition: true or false, null when its elector has not written one.</param>
/// <param name="CandidateReason">That condition's reason.</param>
/// <param name="CandidateMessage">That condition's message.</param>
/// <param name="NodeName">spec.nodeName: a leader leaving a draining node hands over to a standby on another one.</param>
/// <param name="Owner">The controller in metadata.ownerReferences (a ReplicaSet, a StatefulSet…); null for a bare pod.</param>
/// <param name="RevisionHash">The template revision it was created from: label <c>pod-template-hash</c> (Deployments) or <c>controller-revision-hash</c> (StatefulSets).</param>
/// <param name="Ready">Its <c>Ready</c> condition is <c>True</c> in the API: Services route to it in readiness mode.</param>
/// <param name="Role">Its <c>single-active.io/role</c> label (label mode); null without one.</param>
/// <param name="Mode">The <c>mode</c> of its status annotation (<c>readiness</c>, <c>label</c>); null when not written.</param>
/// <param name="ContainersReady">Its <c>ContainersReady</c> condition is <c>True</c> in the API.</param>
public sealed record CandidatePod(
    string Name,
    string? Lease,
    bool Deleting,
    string? Phase,
    bool? Candidate,
    string? CandidateReason = null,
    string? CandidateMessage = null,
    string? NodeName = null,
    PodOwner? Owner = null,
    string? RevisionHash = null,
    bool Ready = false,
    string? Role = null,
    string? Mode = null,
    bool ContainersReady = false);
