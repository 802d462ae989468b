using Microsoft.Extensions.Logging;

namespace SingleActive.Elector.Logging;

/// <summary>Every log line the elector writes; event ids are stable so alerts can match on them.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Elector {Identity} starting for Lease {LeaseNamespace}/{LeaseName} (lease {LeaseDuration}, renew deadline {RenewDeadline}, retry {RetryPeriod}, mode {Mode})")]
    public static partial void Starting(ILogger logger, string identity, string leaseNamespace, string leaseName, string leaseDuration, string renewDeadline, string retryPeriod, string mode);

    [LoggerMessage(2, LogLevel.Information, "{Identity} became leader (leaseTransitions {LeaseTransitions}, previous holder {PreviousHolder})")]
    public static partial void Elected(ILogger logger, string identity, int leaseTransitions, string previousHolder);

    [LoggerMessage(3, LogLevel.Warning, "{Identity} stopped leading: {Reason} (new holder {NewHolder})")]
    public static partial void LeadershipLost(ILogger logger, string identity, string reason, string newHolder);

    [LoggerMessage(4, LogLevel.Warning, "Renewing the Lease failed ({Elapsed} since the last successful renew): {Error}")]
    public static partial void RenewFailed(ILogger logger, string elapsed, string error);

    [LoggerMessage(5, LogLevel.Warning, "Lease API call {Operation} failed: {Error}")]
    public static partial void ApiCallFailed(ILogger logger, string operation, string error);

    [LoggerMessage(6, LogLevel.Information, "Released the Lease ({Reason})")]
    public static partial void Released(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Warning, "Could not release the Lease ({Reason}); it expires on its own after the lease duration: {Error}")]
    public static partial void ReleaseFailed(ILogger logger, string reason, string error);

    [LoggerMessage(8, LogLevel.Debug, "Watch of the Lease ended: {Error}")]
    public static partial void WatchEnded(ILogger logger, string error);

    [LoggerMessage(9, LogLevel.Information, "Lease is held by {Holder}")]
    public static partial void LeaderObserved(ILogger logger, string holder);

    [LoggerMessage(10, LogLevel.Information, "App health changed: healthy {Healthy}, consecutive failures {Failures}")]
    public static partial void AppHealthChanged(ILogger logger, bool healthy, int failures);

    [LoggerMessage(11, LogLevel.Warning, "Could not record Event {Reason} on pod {Pod}: {Error}")]
    public static partial void EventFailed(ILogger logger, string reason, string pod, string error);

    [LoggerMessage(12, LogLevel.Warning, "Could not label pod {Pod} {Label}={Role}: {Error}")]
    public static partial void LabelFailed(ILogger logger, string pod, string label, string role, string error);

    [LoggerMessage(13, LogLevel.Information, "Serving /readyz, /healthz, /status and /metrics on {Address}:{Port}")]
    public static partial void Listening(ILogger logger, string address, int port);

    [LoggerMessage(14, LogLevel.Information, "Received {Signal}: failing /readyz and releasing the Lease")]
    public static partial void ShutdownRequested(ILogger logger, string signal);

    [LoggerMessage(15, LogLevel.Information, "Elector stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(16, LogLevel.Debug, "HTTP connection failed: {Error}")]
    public static partial void HttpConnectionFailed(ILogger logger, string error);

    [LoggerMessage(17, LogLevel.Information, "Labelled pod {Pod} {Label}={Role}")]
    public static partial void Labelled(ILogger logger, string pod, string label, string role);

    [LoggerMessage(18, LogLevel.Debug, "Pod uid unknown ({Error}); Events name the pod only, so kubectl describe may not list them")]
    public static partial void PodUidUnknown(ILogger logger, string error);

    [LoggerMessage(19, LogLevel.Warning, "Lease {State} without a release while {Holder} held it: its term counts as running until it would have expired")]
    public static partial void TermOutlivesLease(ILogger logger, string holder, string state);

    [LoggerMessage(20, LogLevel.Warning, "Gave up recording Event {Reason} on pod {Pod}: it kept failing for {Window}")]
    public static partial void EventDropped(ILogger logger, string reason, string pod, string window);

    [LoggerMessage(21, LogLevel.Information, "Marked pod {Pod}, the previous holder, not ready (leaseTransitions {LeaseTransitions}); this replica may serve now")]
    public static partial void Fenced(ILogger logger, string pod, int leaseTransitions);

    [LoggerMessage(22, LogLevel.Warning, "Could not mark pod {Pod}, the previous holder, not ready (leaseTransitions {LeaseTransitions}); staying not ready and retrying: {Error}")]
    public static partial void FenceFailed(ILogger logger, string pod, int leaseTransitions, string error);

    [LoggerMessage(23, LogLevel.Information, "Pod {Pod}, the previous holder, is gone: nothing to fence (leaseTransitions {LeaseTransitions}); this replica may serve now")]
    public static partial void FenceTargetGone(ILogger logger, string pod, int leaseTransitions);

    [LoggerMessage(30, LogLevel.Warning, "App health check failed: {Reason}")]
    public static partial void AppHealthCheckFailed(ILogger logger, string reason);

    [LoggerMessage(31, LogLevel.Information, "Leadership follows the app's readinessProbe: {Target} every {Period} s, timeout {Timeout} s, {Threshold} failures in a row")]
    public static partial void FollowingAppProbe(ILogger logger, string target, int period, int timeout, int threshold);

    [LoggerMessage(32, LogLevel.Error, "This elector may not patch pods/status in namespace {Namespace}: after a failover the new leader cannot mark the previous one not ready and will never serve. Apply the ClusterRole single-active-elector from deploy/ that ships with this image (it grants patch on pods/status)")]
    public static partial void FencePermissionMissing(ILogger logger, string @namespace);

    [LoggerMessage(33, LogLevel.Warning, "Could not check whether this elector may patch pods/status (the fence): {Error}")]
    public static partial void FencePermissionUnknown(ILogger logger, string error);

    [LoggerMessage(40, LogLevel.Information, "Handing the Lease over to {Target} (requested: {Requested}); it alone may take it for the handover window")]
    public static partial void HandingOver(ILogger logger, string target, string requested);

    [LoggerMessage(41, LogLevel.Warning, "Refused the handover to {Requested}, still leading: {Reason}")]
    public static partial void HandoverRefused(ILogger logger, string requested, string reason);

    [LoggerMessage(42, LogLevel.Information, "Handover to {Requested} needs nothing: this replica already leads")]
    public static partial void HandoverNotNeeded(ILogger logger, string requested);

    [LoggerMessage(43, LogLevel.Warning, "Could not record the answer to the handover request {Requested}; it is read again next round: {Error}")]
    public static partial void HandoverAnswerNotWritten(ILogger logger, string requested, string error);

    [LoggerMessage(44, LogLevel.Warning, "Could not release the Lease to {Target}; this replica retakes its term: {Error}")]
    public static partial void HandoverReleaseFailed(ILogger logger, string target, string error);

    [LoggerMessage(45, LogLevel.Information, "Handover to {Target} {Outcome}: {Reason}")]
    public static partial void HandoverEnded(ILogger logger, string target, string outcome, string reason);

    [LoggerMessage(46, LogLevel.Warning, "Failover is {State} (Lease annotation single-active.io/paused; leading {Leading})")]
    public static partial void PauseChanged(ILogger logger, string state, bool leading);

    [LoggerMessage(47, LogLevel.Warning, "Not taking the Lease (last holder {LastHolder}): failover is paused until the annotation single-active.io/paused is removed")]
    public static partial void TakeoverPaused(ILogger logger, string lastHolder);

    [LoggerMessage(48, LogLevel.Warning, "The app is unhealthy, but failover is paused: keeping the Lease instead of releasing it")]
    public static partial void StepDownPaused(ILogger logger);

    [LoggerMessage(49, LogLevel.Warning, "Could not write the single-active.io/candidate condition on pod {Pod}; retrying: {Error}")]
    public static partial void CandidacyFailed(ILogger logger, string pod, string error);

    [LoggerMessage(50, LogLevel.Debug, "Pod {Pod} does not exist: no candidacy to advertise (an elector outside a pod)")]
    public static partial void CandidacyPodGone(ILogger logger, string pod);

    // 51-56: handover when the pod's deletion starts (PodDeletion/OwnPodWatcher).
    [LoggerMessage(51, LogLevel.Information, "Watching pod {Pod}: when its deletion starts, this replica hands the Lease over at once (not at SIGTERM) and never campaigns again")]
    public static partial void DeletionHandoverOn(ILogger logger, string pod);

    [LoggerMessage(52, LogLevel.Warning, "Deletion-start handover is off: this elector may not list and watch pods in namespace {Namespace} ({Error}). It hands the Lease over on SIGTERM only, which a native-sidecar elector gets after the app containers have exited: the Service has no endpoint meanwhile. Apply the ClusterRole single-active-elector from deploy/ that ships with this image (it grants get, list and watch on pods); asked again every minute")]
    public static partial void DeletionHandoverForbidden(ILogger logger, string @namespace, string error);

    [LoggerMessage(53, LogLevel.Warning, "Deletion-start handover is off: {Why} for pod {Pod} in namespace {Namespace} (POD_NAME and POD_UID must name this elector's own pod, as the webhook renders them); the Lease is handed over on SIGTERM only")]
    public static partial void DeletionHandoverNoPod(ILogger logger, string pod, string @namespace, string why);

    [LoggerMessage(54, LogLevel.Warning, "Deletion-start handover is off until pod {Pod} can be listed ({Error}); the Lease is handed over on SIGTERM meanwhile")]
    public static partial void DeletionHandoverFailing(ILogger logger, string pod, string error);

    [LoggerMessage(55, LogLevel.Information, "Pod {Pod} is being deleted ({How}): this replica will never lead again; {Action}")]
    public static partial void PodDeletionStarted(ILogger logger, string pod, string how, string action);

    [LoggerMessage(56, LogLevel.Debug, "Watch of pod {Pod} ended: {Error}")]
    public static partial void PodWatchEnded(ILogger logger, string pod, string error);

    [LoggerMessage(57, LogLevel.Information, "Releasing the Lease ({Reason}) after {Waited}: {Why}")]
    public static partial void ReleaseAfterKubelet(ILogger logger, string reason, string waited, string why);

    [LoggerMessage(58, LogLevel.Information, "Watching node {Node}: when it is cordoned or gets a drain taint ({Taints}), the leader hands over to a standby on another node before any eviction")]
    public static partial void DrainAwarenessOn(ILogger logger, string node, string taints);

    [LoggerMessage(59, LogLevel.Warning, "Drain-aware handover is off: this elector may not list and watch node {Node} ({Error}). Leadership moves only when the leader's pod is evicted. Apply the ClusterRole and ClusterRoleBinding single-active-elector-node from deploy/ that ship with this image (the webhook adds this pod's ServiceAccount to the binding); asked again every minute")]
    public static partial void DrainAwarenessForbidden(ILogger logger, string node, string error);

    [LoggerMessage(60, LogLevel.Warning, "Drain-aware handover is off: there is no node {Node} (NODE_NAME must be the pod's spec.nodeName, as the webhook renders it)")]
    public static partial void DrainAwarenessNoNode(ILogger logger, string node);

    [LoggerMessage(61, LogLevel.Warning, "Drain-aware handover is off until node {Node} can be listed: {Error}")]
    public static partial void DrainAwarenessFailing(ILogger logger, string node, string error);

    [LoggerMessage(62, LogLevel.Debug, "Watch of node {Node} ended: {Error}")]
    public static partial void NodeWatchEnded(ILogger logger, string node, string error);

    [LoggerMessage(63, LogLevel.Information, "{State}: {Action}")]
    public static partial void NodeDrainChanged(ILogger logger, string state, string action);

    [LoggerMessage(64, LogLevel.Warning, "Cannot hand over before the drain, still leading: {Reason}")]
    public static partial void DrainHandoverBlocked(ILogger logger, string reason);

    [LoggerMessage(65, LogLevel.Warning, "Could not plan a handover ({Trigger}); trying again next round: {Error}")]
    public static partial void SuccessionPlanFailed(ILogger logger, string trigger, string error);

    [LoggerMessage(67, LogLevel.Warning, "Drain-aware handover is off: NODE_NAME is not set (a pod injected by a webhook older than this elector); leadership moves only when the leader's pod is evicted")]
    public static partial void DrainAwarenessNoNodeName(ILogger logger);

    [LoggerMessage(66, LogLevel.Information, "Not taking the free Lease yet: {Reason}; a standby elsewhere may take it first ({Window} at most)")]
    public static partial void TakeoverDeferred(ILogger logger, string reason, string window);
}
