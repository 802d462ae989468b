namespace SingleActive.Elector.Logging;

/// <summary>
/// Every log event id the elector writes, in one place (as YARP's <c>EventIds</c>): alerts match on them, so a number
/// never changes meaning. Each constant is named after its <see cref="Log"/> method; docs/elector.md ("Log event ids")
/// lists them all, and <c>EventIdsTests</c> holds the three together.
/// </summary>
internal static class EventIds
{
    /// <summary>The elector starts: identity, Lease, timings and mode.</summary>
    public const int Starting = 1;

    /// <summary>This replica became the leader (new term, previous holder).</summary>
    public const int Elected = 2;

    /// <summary>This replica stopped leading, with the reason and the new holder.</summary>
    public const int LeadershipLost = 3;

    /// <summary>Renewing the Lease failed; the leader keeps its term until the renew deadline.</summary>
    public const int RenewFailed = 4;

    /// <summary>A Lease API call failed.</summary>
    public const int ApiCallFailed = 5;

    /// <summary>The Lease was released (SIGTERM, handover, unhealthy app).</summary>
    public const int Released = 6;

    /// <summary>The Lease could not be released; it expires on its own.</summary>
    public const int ReleaseFailed = 7;

    /// <summary>The watch of the Lease ended (routine; re-established).</summary>
    public const int WatchEnded = 8;

    /// <summary>Another replica holds the Lease.</summary>
    public const int LeaderObserved = 9;

    /// <summary>The app's health changed.</summary>
    public const int AppHealthChanged = 10;

    /// <summary>A Kubernetes Event could not be recorded (retried).</summary>
    public const int EventFailed = 11;

    /// <summary>Label mode: a pod could not be labelled (retried).</summary>
    public const int LabelFailed = 12;

    /// <summary>The HTTP server listens (/readyz, /healthz, /status, /metrics).</summary>
    public const int Listening = 13;

    /// <summary>SIGTERM or SIGINT: /readyz fails and the Lease is released.</summary>
    public const int ShutdownRequested = 14;

    /// <summary>The elector stopped.</summary>
    public const int Stopped = 15;

    /// <summary>An HTTP connection to the elector failed.</summary>
    public const int HttpConnectionFailed = 16;

    /// <summary>Label mode: a pod was labelled leader or standby.</summary>
    public const int Labelled = 17;

    /// <summary>The pod's uid is unknown; Events name the pod only.</summary>
    public const int PodUidUnknown = 18;

    /// <summary>The Lease was deleted or cleared without a release; the holder's term counts until it would have expired.</summary>
    public const int TermOutlivesLease = 19;

    /// <summary>A Kubernetes Event was given up after failing for the whole retry window.</summary>
    public const int EventDropped = 20;

    /// <summary>Readiness mode: the previous holder's pod was marked not ready; this replica may serve.</summary>
    public const int Fenced = 21;

    /// <summary>The previous holder's pod could not be marked not ready; this replica stays not ready and retries.</summary>
    public const int FenceFailed = 22;

    /// <summary>The previous holder's pod is gone: nothing to fence.</summary>
    public const int FenceTargetGone = 23;

    /// <summary>The app's health check failed.</summary>
    public const int AppHealthCheckFailed = 30;

    /// <summary>Leadership follows the app's readinessProbe (target and timings).</summary>
    public const int FollowingAppProbe = 31;

    /// <summary>The elector may not patch pods/status: no failover can complete.</summary>
    public const int FencePermissionMissing = 32;

    /// <summary>Whether the elector may patch pods/status could not be checked.</summary>
    public const int FencePermissionUnknown = 33;

    /// <summary>A directed or planned handover starts.</summary>
    public const int HandingOver = 40;

    /// <summary>A handover was refused; this replica keeps leading.</summary>
    public const int HandoverRefused = 41;

    /// <summary>A handover to this replica needs nothing: it already leads.</summary>
    public const int HandoverNotNeeded = 42;

    /// <summary>The answer to a handover request could not be recorded.</summary>
    public const int HandoverAnswerNotWritten = 43;

    /// <summary>The Lease could not be released to the handover's target; this replica retakes its term.</summary>
    public const int HandoverReleaseFailed = 44;

    /// <summary>A handover ended (done or failed), with the reason.</summary>
    public const int HandoverEnded = 45;

    /// <summary>Failover was paused or resumed.</summary>
    public const int PauseChanged = 46;

    /// <summary>A standby does not take the Lease: failover is paused.</summary>
    public const int TakeoverPaused = 47;

    /// <summary>The app is unhealthy, but failover is paused: the leader keeps the Lease.</summary>
    public const int StepDownPaused = 48;

    /// <summary>The single-active.io/candidate condition could not be written on the pod.</summary>
    public const int CandidacyFailed = 49;

    /// <summary>No pod to advertise candidacy on (an elector outside a pod).</summary>
    public const int CandidacyPodGone = 50;

    /// <summary>The elector watches its own pod and hands over as soon as its deletion starts.</summary>
    public const int DeletionHandoverOn = 51;

    /// <summary>Deletion-start handover is off: no list/watch on pods (asked again every minute).</summary>
    public const int DeletionHandoverForbidden = 52;

    /// <summary>Deletion-start handover is off: POD_NAME/POD_UID do not name this pod.</summary>
    public const int DeletionHandoverNoPod = 53;

    /// <summary>Deletion-start handover is off until the pod can be listed.</summary>
    public const int DeletionHandoverFailing = 54;

    /// <summary>The pod's deletion started: this replica never leads again.</summary>
    public const int PodDeletionStarted = 55;

    /// <summary>The watch of the pod ended (routine; re-established).</summary>
    public const int PodWatchEnded = 56;

    /// <summary>A voluntary release waited for the kubelet to see the pod not ready.</summary>
    public const int ReleaseAfterKubelet = 57;

    /// <summary>The elector watches its node and hands over before a drain.</summary>
    public const int DrainAwarenessOn = 58;

    /// <summary>Drain-aware handover is off: no list/watch on nodes (asked again every minute).</summary>
    public const int DrainAwarenessForbidden = 59;

    /// <summary>Drain-aware handover is off: there is no node NODE_NAME.</summary>
    public const int DrainAwarenessNoNode = 60;

    /// <summary>Drain-aware handover is off until the node can be listed.</summary>
    public const int DrainAwarenessFailing = 61;

    /// <summary>The watch of the node ended (routine; re-established).</summary>
    public const int NodeWatchEnded = 62;

    /// <summary>The node started or stopped draining, and what this replica does.</summary>
    public const int NodeDrainChanged = 63;

    /// <summary>The leader cannot hand over before the drain (no standby on another node).</summary>
    public const int DrainHandoverBlocked = 64;

    /// <summary>A planned handover (node drain or rollout) could not be prepared; tried again next round.</summary>
    public const int SuccessionPlanFailed = 65;

    /// <summary>A standby on a draining node leaves the free Lease to standbys elsewhere for the handover window.</summary>
    public const int TakeoverDeferred = 66;

    /// <summary>Drain-aware handover is off: NODE_NAME is not set.</summary>
    public const int DrainAwarenessNoNodeName = 67;

    /// <summary>A release attempt failed in a way that may pass; tried again within the release's bound.</summary>
    public const int ReleaseRetrying = 68;

    /// <summary>A release tried again found the Lease no longer naming this replica: an earlier attempt landed unseen, or another replica wrote it.</summary>
    public const int ReleaseOutcomeUnseen = 69;

    /// <summary>A new term found pods of its Lease still serving from an earlier term (Ready, or labelled leader): it fences or demotes them before it serves.</summary>
    public const int StaleLeadersFound = 70;

    /// <summary>A new term could not list its Lease's pods to look for ones still serving; it stays not ready and retries.</summary>
    public const int SweepFailed = 71;

    /// <summary>The elector may not list pods: a new term fences or demotes the previous holder only.</summary>
    public const int SweepForbidden = 72;

    /// <summary>The Lease names this replica in a term it tried to start and never heard back about: it takes that term up with a newer one.</summary>
    public const int LostTakeoverLanded = 73;

    /// <summary>An app container of this pod does not run (crashed, crash-looping, waiting, not started): this replica does not campaign, and a leader releases the Lease.</summary>
    public const int AppContainerNotRunning = 74;

    /// <summary>The app containers of this pod all run again: this replica campaigns again (a restarted one after it has run for 10 s).</summary>
    public const int AppContainersRunning = 75;

    /// <summary>A read of the Lease was older than a state seen before it was sent: the API server's store went back in time (etcd restored from a snapshot); what was seen starts over from now.</summary>
    public const int LeaseRewound = 76;

    /// <summary>The Lease is held by an identity that cannot be a pod's name: another program elects its leader with a Lease of this name.</summary>
    public const int LeaseHeldByAnotherProgram = 77;

    /// <summary>A renew whose attempt was abandoned at its timeout was written after all: the term goes on from when it was sent.</summary>
    public const int RenewLandedLate = 78;

    /// <summary>A new term this replica never heard back about (answer lost, or attempt abandoned at its timeout) was seen written: this replica leads in it.</summary>
    public const int TermLandedLate = 79;
}
