using Microsoft.Extensions.Logging;
using SingleActive.Contract;

namespace SingleActive.Elector.Logging;

/// <summary>Every log line the elector writes; event ids are stable so alerts can match on them.</summary>
internal static partial class Log
{
    [LoggerMessage(EventIds.Starting, LogLevel.Information, "Elector {Identity} starting for Lease {LeaseNamespace}/{LeaseName} (lease {LeaseDuration}, renew deadline {RenewDeadline}, retry {RetryPeriod}, mode {Mode})")]
    public static partial void Starting(ILogger logger, string identity, string leaseNamespace, string leaseName, string leaseDuration, string renewDeadline, string retryPeriod, string mode);

    [LoggerMessage(EventIds.Elected, LogLevel.Information, "{Identity} became leader (leaseTransitions {LeaseTransitions}, previous holder {PreviousHolder})")]
    public static partial void Elected(ILogger logger, string identity, int leaseTransitions, string previousHolder);

    [LoggerMessage(EventIds.LeadershipLost, LogLevel.Warning, "{Identity} stopped leading: {Reason} (new holder {NewHolder})")]
    public static partial void LeadershipLost(ILogger logger, string identity, string reason, string newHolder);

    [LoggerMessage(EventIds.RenewFailed, LogLevel.Warning, "Renewing the Lease failed ({Elapsed} since the last successful renew): {Error}")]
    public static partial void RenewFailed(ILogger logger, string elapsed, string error);

    [LoggerMessage(EventIds.RenewLandedLate, LogLevel.Warning, "A renew abandoned at the attempt timeout was written after all; the term goes on from when it was sent, {Elapsed} ago. The API server's Lease writes take longer than a third of the renew deadline: see its etcd and request latency")]
    public static partial void RenewLandedLate(ILogger logger, string elapsed);

    [LoggerMessage(EventIds.TermLandedLate, LogLevel.Warning, "Term {LeaseTransitions}, which this replica tried to start and never heard back about, was seen written: leading in it from when it was sent, {Elapsed} ago. Its answer was lost with its connection, or the API server's Lease writes take longer than a third of the renew deadline (see its etcd and request latency)")]
    public static partial void TermLandedLate(ILogger logger, int leaseTransitions, string elapsed);

    [LoggerMessage(EventIds.ApiCallFailed, LogLevel.Warning, "Lease API call {Operation} failed: {Error}")]
    public static partial void ApiCallFailed(ILogger logger, string operation, string error);

    [LoggerMessage(EventIds.Released, LogLevel.Information, "Released the Lease ({Reason})")]
    public static partial void Released(ILogger logger, string reason);

    [LoggerMessage(EventIds.ReleaseFailed, LogLevel.Warning, "Could not release the Lease ({Reason}); it expires on its own after the lease duration: {Error}")]
    public static partial void ReleaseFailed(ILogger logger, string reason, string error);

    [LoggerMessage(EventIds.ReleaseRetrying, LogLevel.Warning, "Could not release the Lease ({Reason}), attempt {Attempt}; trying again in {Pause}: {Error}")]
    public static partial void ReleaseRetrying(ILogger logger, string reason, int attempt, string pause, string error);

    [LoggerMessage(EventIds.ReleaseOutcomeUnseen, LogLevel.Information, "Released the Lease ({Reason}) as far as can be seen: at attempt {Attempt} it no longer names this replica (an earlier attempt was written and its answer lost, or another replica wrote it)")]
    public static partial void ReleaseOutcomeUnseen(ILogger logger, string reason, int attempt);

    [LoggerMessage(EventIds.StaleLeadersFound, LogLevel.Warning, "Pods {Pods} of this Lease still serve from an earlier term (a fence or demotion their successor could not write before its own term ended): this replica marks them not ready or demotes them before it serves (leaseTransitions {LeaseTransitions})")]
    public static partial void StaleLeadersFound(ILogger logger, string pods, int leaseTransitions);

    [LoggerMessage(EventIds.SweepFailed, LogLevel.Warning, "Could not list the pods of this Lease to find any still serving from an earlier term (leaseTransitions {LeaseTransitions}); retrying, and until then not ready (readiness mode) or not labelled leader (label mode): {Error}")]
    public static partial void SweepFailed(ILogger logger, int leaseTransitions, string error);

    [LoggerMessage(EventIds.SweepForbidden, LogLevel.Warning, "This elector may not list pods ({Error}): a new term fences or demotes only the previous holder, not a pod an earlier term left serving. Apply the ClusterRole single-active-elector from deploy/ that ships with this image (it grants list on pods)")]
    public static partial void SweepForbidden(ILogger logger, string error);

    [LoggerMessage(EventIds.LostTakeoverLanded, LogLevel.Information, "The Lease names this replica in term {LeaseTransitions}, which it tried to start and never heard back about (the answer was lost): taking it up with the next term at once instead of waiting it out")]
    public static partial void LostTakeoverLanded(ILogger logger, int leaseTransitions);

    [LoggerMessage(EventIds.AppContainerNotRunning, LogLevel.Warning, "The pod cannot be Ready while its {Reason}: this replica does not campaign, and releases the Lease if it leads (unless failover is paused)")]
    public static partial void AppContainerNotRunning(ILogger logger, string reason);

    [LoggerMessage(EventIds.AppContainersRunning, LogLevel.Information, "The app containers of this pod all run again: this replica campaigns again (a container that restarted once it has run for 10 s)")]
    public static partial void AppContainersRunning(ILogger logger);

    [LoggerMessage(EventIds.WatchEnded, LogLevel.Debug, "Watch of the Lease ended: {Error}")]
    public static partial void WatchEnded(ILogger logger, string error);

    [LoggerMessage(EventIds.LeaderObserved, LogLevel.Information, "Lease is held by {Holder}")]
    public static partial void LeaderObserved(ILogger logger, string holder);

    [LoggerMessage(EventIds.AppHealthChanged, LogLevel.Information, "App health changed: healthy {Healthy}, consecutive failures {Failures}")]
    public static partial void AppHealthChanged(ILogger logger, bool healthy, int failures);

    [LoggerMessage(EventIds.EventFailed, LogLevel.Warning, "Could not record Event {Reason} on pod {Pod}: {Error}")]
    public static partial void EventFailed(ILogger logger, string reason, string pod, string error);

    [LoggerMessage(EventIds.LabelFailed, LogLevel.Warning, "Could not label pod {Pod} {Label}={Role}: {Error}")]
    public static partial void LabelFailed(ILogger logger, string pod, string label, string role, string error);

    [LoggerMessage(EventIds.Listening, LogLevel.Information, "Serving /readyz, /healthz, /status and /metrics on {Address}:{Port}")]
    public static partial void Listening(ILogger logger, string address, int port);

    [LoggerMessage(EventIds.ShutdownRequested, LogLevel.Information, "Received {Signal}: failing /readyz and releasing the Lease")]
    public static partial void ShutdownRequested(ILogger logger, string signal);

    [LoggerMessage(EventIds.Stopped, LogLevel.Information, "Elector stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventIds.HttpConnectionFailed, LogLevel.Debug, "HTTP connection failed: {Error}")]
    public static partial void HttpConnectionFailed(ILogger logger, string error);

    [LoggerMessage(EventIds.Labelled, LogLevel.Information, "Labelled pod {Pod} {Label}={Role}")]
    public static partial void Labelled(ILogger logger, string pod, string label, string role);

    [LoggerMessage(EventIds.PodUidUnknown, LogLevel.Debug, "Pod uid unknown ({Error}); Events name the pod only, so kubectl describe may not list them")]
    public static partial void PodUidUnknown(ILogger logger, string error);

    [LoggerMessage(EventIds.LeaseRewound, LogLevel.Warning, "The Lease read back older than a state seen before (resourceVersion {ResourceVersion}, holder {Holder}): the API server's store went back in time (etcd restored from a snapshot?); the term it shows counts from now, and the next epoch stays above every one seen")]
    public static partial void LeaseRewound(ILogger logger, string resourceVersion, string holder);

    [LoggerMessage(EventIds.LeaseHeldByAnotherProgram, LogLevel.Warning, "The Lease is held by {Holder}, which cannot be a pod's name (every elector's identity is its pod's): another program elects its leader with a Lease of this name, and no replica here leads while it renews. Give this workload a Lease of its own: scale it to 0, set its pod template's annotation " + Annotations.LeaseName + " to a name nothing else uses, and scale it back")]
    public static partial void LeaseHeldByAnotherProgram(ILogger logger, string holder);

    [LoggerMessage(EventIds.TermOutlivesLease, LogLevel.Warning, "Lease {State} without a release while {Holder} held it: its term counts as running until it would have expired")]
    public static partial void TermOutlivesLease(ILogger logger, string holder, string state);

    [LoggerMessage(EventIds.EventDropped, LogLevel.Warning, "Gave up recording Event {Reason} on pod {Pod}: it kept failing for {Window}")]
    public static partial void EventDropped(ILogger logger, string reason, string pod, string window);

    [LoggerMessage(EventIds.Fenced, LogLevel.Information, "Marked pod {Pod}, the previous holder, not ready (leaseTransitions {LeaseTransitions}); this replica may serve now")]
    public static partial void Fenced(ILogger logger, string pod, int leaseTransitions);

    [LoggerMessage(EventIds.FenceFailed, LogLevel.Warning, "Could not mark pod {Pod}, the previous holder, not ready (leaseTransitions {LeaseTransitions}); staying not ready and retrying: {Error}")]
    public static partial void FenceFailed(ILogger logger, string pod, int leaseTransitions, string error);

    [LoggerMessage(EventIds.FenceTargetGone, LogLevel.Information, "Pod {Pod}, the previous holder, is gone: nothing to fence (leaseTransitions {LeaseTransitions}); this replica may serve now")]
    public static partial void FenceTargetGone(ILogger logger, string pod, int leaseTransitions);

    [LoggerMessage(EventIds.AppHealthCheckFailed, LogLevel.Warning, "App health check failed: {Reason}")]
    public static partial void AppHealthCheckFailed(ILogger logger, string reason);

    [LoggerMessage(EventIds.FollowingAppProbe, LogLevel.Information, "Leadership follows the app's readinessProbe: {Target} every {Period} s, timeout {Timeout} s, {Threshold} failures in a row")]
    public static partial void FollowingAppProbe(ILogger logger, string target, int period, int timeout, int threshold);

    [LoggerMessage(EventIds.FencePermissionMissing, LogLevel.Error, "This elector may not patch pods/status in namespace {Namespace}: after a failover the new leader cannot mark the previous one not ready and will never serve. Apply the ClusterRole single-active-elector from deploy/ that ships with this image (it grants patch on pods/status)")]
    public static partial void FencePermissionMissing(ILogger logger, string @namespace);

    [LoggerMessage(EventIds.FencePermissionUnknown, LogLevel.Warning, "Could not check whether this elector may patch pods/status (the fence): {Error}")]
    public static partial void FencePermissionUnknown(ILogger logger, string error);

    [LoggerMessage(EventIds.HandingOver, LogLevel.Information, "Handing the Lease over to {Target} (requested: {Requested}); it alone may take it for the handover window")]
    public static partial void HandingOver(ILogger logger, string target, string requested);

    [LoggerMessage(EventIds.HandoverRefused, LogLevel.Warning, "Refused the handover to {Requested}, still leading: {Reason}")]
    public static partial void HandoverRefused(ILogger logger, string requested, string reason);

    [LoggerMessage(EventIds.HandoverNotNeeded, LogLevel.Information, "Handover to {Requested} needs nothing: this replica already leads")]
    public static partial void HandoverNotNeeded(ILogger logger, string requested);

    [LoggerMessage(EventIds.HandoverAnswerNotWritten, LogLevel.Warning, "Could not record the answer to the handover request {Requested}; it is read again next round: {Error}")]
    public static partial void HandoverAnswerNotWritten(ILogger logger, string requested, string error);

    [LoggerMessage(EventIds.HandoverReleaseFailed, LogLevel.Warning, "Could not release the Lease to {Target}; this replica retakes its term: {Error}")]
    public static partial void HandoverReleaseFailed(ILogger logger, string target, string error);

    [LoggerMessage(EventIds.HandoverEnded, LogLevel.Information, "Handover to {Target} {Outcome}: {Reason}")]
    public static partial void HandoverEnded(ILogger logger, string target, string outcome, string reason);

    [LoggerMessage(EventIds.PauseChanged, LogLevel.Warning, "Failover is {State} (Lease annotation single-active.io/paused; leading {Leading})")]
    public static partial void PauseChanged(ILogger logger, string state, bool leading);

    [LoggerMessage(EventIds.TakeoverPaused, LogLevel.Warning, "Not taking the Lease (last holder {LastHolder}): failover is paused until the annotation single-active.io/paused is removed")]
    public static partial void TakeoverPaused(ILogger logger, string lastHolder);

    [LoggerMessage(EventIds.StepDownPaused, LogLevel.Warning, "The app is unhealthy, but failover is paused: keeping the Lease instead of releasing it")]
    public static partial void StepDownPaused(ILogger logger);

    [LoggerMessage(EventIds.CandidacyFailed, LogLevel.Warning, "Could not write the single-active.io/candidate condition on pod {Pod}; retrying: {Error}")]
    public static partial void CandidacyFailed(ILogger logger, string pod, string error);

    [LoggerMessage(EventIds.CandidacyPodGone, LogLevel.Debug, "Pod {Pod} does not exist: no candidacy to advertise (an elector outside a pod)")]
    public static partial void CandidacyPodGone(ILogger logger, string pod);

    // 51-56: handover when the pod's deletion starts (PodDeletion/OwnPodWatcher).
    [LoggerMessage(EventIds.DeletionHandoverOn, LogLevel.Information, "Watching pod {Pod}: when its deletion starts, this replica hands the Lease over at once (not at SIGTERM) and never campaigns again")]
    public static partial void DeletionHandoverOn(ILogger logger, string pod);

    [LoggerMessage(EventIds.DeletionHandoverForbidden, LogLevel.Warning, "Deletion-start handover is off: this elector may not list and watch pods in namespace {Namespace} ({Error}). It hands the Lease over on SIGTERM only, which a native-sidecar elector gets after the app containers have exited: the Service has no endpoint meanwhile. Apply the ClusterRole single-active-elector from deploy/ that ships with this image (it grants get, list and watch on pods); asked again every minute")]
    public static partial void DeletionHandoverForbidden(ILogger logger, string @namespace, string error);

    [LoggerMessage(EventIds.DeletionHandoverNoPod, LogLevel.Warning, "Deletion-start handover is off: {Why} for pod {Pod} in namespace {Namespace} (POD_NAME and POD_UID must name this elector's own pod, as the webhook renders them); the Lease is handed over on SIGTERM only")]
    public static partial void DeletionHandoverNoPod(ILogger logger, string pod, string @namespace, string why);

    [LoggerMessage(EventIds.DeletionHandoverFailing, LogLevel.Warning, "Deletion-start handover is off until pod {Pod} can be listed ({Error}); the Lease is handed over on SIGTERM meanwhile")]
    public static partial void DeletionHandoverFailing(ILogger logger, string pod, string error);

    [LoggerMessage(EventIds.PodDeletionStarted, LogLevel.Information, "Pod {Pod} is being deleted ({How}): this replica will never lead again; {Action}")]
    public static partial void PodDeletionStarted(ILogger logger, string pod, string how, string action);

    [LoggerMessage(EventIds.PodWatchEnded, LogLevel.Debug, "Watch of pod {Pod} ended: {Error}")]
    public static partial void PodWatchEnded(ILogger logger, string pod, string error);

    [LoggerMessage(EventIds.ReleaseAfterKubelet, LogLevel.Information, "Releasing the Lease ({Reason}) after {Waited}: {Why}")]
    public static partial void ReleaseAfterKubelet(ILogger logger, string reason, string waited, string why);

    [LoggerMessage(EventIds.DrainAwarenessOn, LogLevel.Information, "Watching node {Node}: when it is cordoned or gets a drain taint ({Taints}), the leader hands over to a standby on another node before any eviction")]
    public static partial void DrainAwarenessOn(ILogger logger, string node, string taints);

    [LoggerMessage(EventIds.DrainAwarenessForbidden, LogLevel.Warning, "Drain-aware handover is off: this elector may not list and watch node {Node} ({Error}). Leadership moves only when the leader's pod is evicted. Apply the ClusterRole and ClusterRoleBinding single-active-elector-node from deploy/ that ship with this image (the webhook adds this pod's ServiceAccount to the binding); asked again every minute")]
    public static partial void DrainAwarenessForbidden(ILogger logger, string node, string error);

    [LoggerMessage(EventIds.DrainAwarenessNoNode, LogLevel.Warning, "Drain-aware handover is off: there is no node {Node} (NODE_NAME must be the pod's spec.nodeName, as the webhook renders it)")]
    public static partial void DrainAwarenessNoNode(ILogger logger, string node);

    [LoggerMessage(EventIds.DrainAwarenessFailing, LogLevel.Warning, "Drain-aware handover is off until node {Node} can be listed: {Error}")]
    public static partial void DrainAwarenessFailing(ILogger logger, string node, string error);

    [LoggerMessage(EventIds.NodeWatchEnded, LogLevel.Debug, "Watch of node {Node} ended: {Error}")]
    public static partial void NodeWatchEnded(ILogger logger, string node, string error);

    [LoggerMessage(EventIds.NodeDrainChanged, LogLevel.Information, "{State}: {Action}")]
    public static partial void NodeDrainChanged(ILogger logger, string state, string action);

    [LoggerMessage(EventIds.DrainHandoverBlocked, LogLevel.Warning, "Cannot hand over before the drain, still leading: {Reason}")]
    public static partial void DrainHandoverBlocked(ILogger logger, string reason);

    [LoggerMessage(EventIds.SuccessionPlanFailed, LogLevel.Warning, "Could not plan a handover ({Trigger}); trying again next round: {Error}")]
    public static partial void SuccessionPlanFailed(ILogger logger, string trigger, string error);

    [LoggerMessage(EventIds.DrainAwarenessNoNodeName, LogLevel.Warning, "Drain-aware handover is off: NODE_NAME is not set (a pod injected by a webhook older than this elector); leadership moves only when the leader's pod is evicted")]
    public static partial void DrainAwarenessNoNodeName(ILogger logger);

    [LoggerMessage(EventIds.TakeoverDeferred, LogLevel.Information, "Not taking the free Lease yet: {Reason}; a standby elsewhere may take it first ({Window} at most)")]
    public static partial void TakeoverDeferred(ILogger logger, string reason, string window);
}
