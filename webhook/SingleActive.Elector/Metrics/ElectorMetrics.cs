using System.Collections.Concurrent;
using System.Text;
using SingleActive.Contract;
using SingleActive.Core.Build;
using SingleActive.Core.Metrics;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Metrics;

/// <summary>The elector's Prometheus metrics, rendered in the text exposition format on <c>/metrics</c>.</summary>
public sealed class ElectorMetrics
{
    // Renews take milliseconds when healthy; the upper buckets show a struggling API server long
    // before the renew deadline is reached.
    private static readonly double[] RenewBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram renewDuration = new("single_active_elector_renew_duration_seconds", "Latency of successful Lease renewals.", RenewBuckets);
    private readonly long[] apiErrors = new long[ApiOperations.All.Count];
    private readonly ConcurrentDictionary<string, long> losses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> handovers = new(StringComparer.Ordinal);
    private long becameLeader;
    private long becameStandby;
    private long fenceFailures;
    private InfoMetric? info;

    /// <summary>The name of the info metric: the Lease, mode and build of this elector (labels <c>lease</c>, <c>mode</c>, <c>version</c>, <c>revision</c>).</summary>
    public const string InfoName = "single_active_elector_info";

    /// <summary>Sets <see cref="InfoName"/>, written first on every scrape (none before): alert rules join the other series to it by <c>namespace</c> and <c>pod</c> to group them by Lease.</summary>
    public void Describe(string leaseName, ElectorMode mode, BuildVersion build) =>
        info = new InfoMetric(
            InfoName,
            "The Lease this elector campaigns for, its mode and its build; always 1.",
            [new("lease", leaseName), new("mode", ElectorModes.Format(mode)), .. build.Labels()]);

    public void RecordRenew(TimeSpan duration) => renewDuration.Observe(duration.TotalSeconds);

    public void RecordApiError(ApiOperation operation) => Interlocked.Increment(ref apiErrors[(int)operation]);

    public void RecordElected() => Interlocked.Increment(ref becameLeader);

    /// <summary>A write marking the previous holder's pod not ready failed (this replica stays not ready).</summary>
    public void RecordFenceFailure() => Interlocked.Increment(ref fenceFailures);

    public long FenceFailures => Interlocked.Read(ref fenceFailures);

    /// <summary>Whether the fence may be written (a SelfSubjectAccessReview at start-up); null until known, or in label mode.</summary>
    public bool? FencePermitted { get; set; }

    /// <summary>Whether this elector watches its own pod, so a handover starts when the pod's deletion starts; null until known.</summary>
    public bool? DeletionHandover { get; set; }

    /// <summary>This replica saw its pod's deletion start: it will never lead again.</summary>
    public bool PodDeleting { get; set; }

    /// <summary>Reads whether the pod's app containers all ran when last seen (<c>Health.AppContainersHealth</c>); null while unseen or not wired.</summary>
    public Func<bool?>? AppContainersRunning { get; set; }

    /// <summary>Whether this elector watches its own node, so a leader hands over before a drain; null until known (or without NODE_NAME).</summary>
    public bool? DrainAwareness { get; set; }

    /// <summary>This replica's node is cordoned, has a drain taint or is unreachable.</summary>
    public bool NodeDraining { get; set; }

    /// <summary>This replica leads on a draining node and no standby elsewhere can take over.</summary>
    public bool DrainHandoverBlocked { get; set; }

    /// <summary>Reads how often the API connection pool was replaced after an abandoned call (see <c>ClusterConnection.DropConnections</c>); null when not wired.</summary>
    public Func<long>? ConnectionPoolReplacements { get; set; }

    /// <summary>The Lease as last seen is paused (<c>single-active.io/paused</c>).</summary>
    public bool Paused { get; set; }

    /// <summary>This replica wrote a directed handover's outcome (started, refused, done, failed).</summary>
    public void RecordHandover(HandoverOutcome outcome) =>
        handovers.AddOrUpdate(outcome == HandoverOutcome.InProgress ? "started" : HandoverRecord.Format(outcome), 1, static (_, n) => n + 1);

    public long Handovers(string outcome) => handovers.TryGetValue(outcome, out var n) ? n : 0;

    public void RecordLost(LeadershipLossReason reason)
    {
        Interlocked.Increment(ref becameStandby);
        losses.AddOrUpdate(ReasonLabel(reason), 1, static (_, n) => n + 1);
    }

    /// <summary>The failed calls counted under the <c>operation</c> label value <paramref name="operation"/> (0 for a value that is not one).</summary>
    public long ApiErrors(string operation) => ApiOperations.OfLabel(operation) is { } known ? Interlocked.Read(ref apiErrors[(int)known]) : 0;

    public static string ReasonLabel(LeadershipLossReason reason) => reason switch
    {
        LeadershipLossReason.RenewDeadlineExceeded => "renew_deadline_exceeded",
        LeadershipLossReason.LeaseTaken => "lease_taken",
        LeadershipLossReason.LeaseRemoved => "lease_removed",
        LeadershipLossReason.AppUnhealthy => "app_unhealthy",
        LeadershipLossReason.HandedOver => "handed_over",
        LeadershipLossReason.PodDeleting => "pod_deleting",
        _ => "shutting_down",
    };

    /// <param name="trust">The API server's certificate checks (counters of untrusted certificates and CA reloads); null when none apply.</param>
    public string Render(ElectionStatus status, bool ready, bool? appHealthy, Kubernetes.ApiServerTrust? trust = null)
    {
        var sb = new StringBuilder(2048);
        info?.WriteTo(sb);
        Gauge(sb, "single_active_elector_is_leader", "1 while this replica leads with a fresh renew.", status.IsLeader ? 1 : 0);
        Gauge(sb, "single_active_elector_ready", "1 while /readyz answers 200.", ready ? 1 : 0);
        Gauge(sb, "single_active_elector_lease_transitions", "The Lease's leaseTransitions (fencing epoch) as last seen.", status.LeaseTransitions);
        Gauge(sb, "single_active_elector_awaiting_fence", "1 while this replica leads but is held not ready until the previous holder's pod, and any other pod of the Lease still Ready or ContainersReady, is marked not ready.", status.AwaitingFence ? 1 : 0);
        if (appHealthy is { } healthy)
        {
            Gauge(sb, "single_active_elector_app_healthy", "1 while the app's health check passes.", healthy ? 1 : 0);
        }

        PrometheusText.WriteHeader(sb, "single_active_elector_transitions_total", "Leadership changes of this replica.", "counter");
        PrometheusText.WriteSample(sb, "single_active_elector_transitions_total", "to", "leader", Interlocked.Read(ref becameLeader));
        PrometheusText.WriteSample(sb, "single_active_elector_transitions_total", "to", "standby", Interlocked.Read(ref becameStandby));

        PrometheusText.WriteHeader(sb, "single_active_elector_leadership_lost_total", "Times this replica stopped leading, by reason.", "counter");
        foreach (var reason in Enum.GetValues<LeadershipLossReason>())
        {
            var label = ReasonLabel(reason);
            PrometheusText.WriteSample(sb, "single_active_elector_leadership_lost_total", "reason", label, losses.TryGetValue(label, out var n) ? n : 0);
        }

        Gauge(sb, "single_active_elector_paused", "1 while the Lease is paused (annotation single-active.io/paused): no replica but the last holder takes it.", Paused ? 1 : 0);
        PrometheusText.WriteHeader(sb, "single_active_elector_handovers_total", "Directed handovers this replica started, refused, or ended by taking the Lease (done) or after the chosen replica did not (failed).", "counter");
        foreach (var outcome in (string[])["started", "refused", "done", "failed"])
        {
            PrometheusText.WriteSample(sb, "single_active_elector_handovers_total", "outcome", outcome, Handovers(outcome));
        }

        if (AppContainersRunning?.Invoke() is { } running)
        {
            Gauge(sb, "single_active_elector_app_containers_running", "1 while every app container of this pod runs as its kubelet reports it; 0 while one does not (crashed, crash-looping, waiting, not started): then this replica does not campaign, and a leader releases the Lease. Absent while the pod is not seen.", running ? 1 : 0);
        }

        if (FencePermitted is { } permitted)
        {
            Gauge(sb, "single_active_elector_fence_permitted", "1 when this elector may patch pods/status (the fence of a previous leader), 0 when it may not: then no failover can complete.", permitted ? 1 : 0);
        }

        if (DeletionHandover is { } watching)
        {
            Gauge(sb, "single_active_elector_deletion_handover", "1 when this elector watches its own pod, so it hands the Lease over the moment the pod's deletion starts; 0 when it cannot (forbidden, pod not found, API unreachable): then only on SIGTERM.", watching ? 1 : 0);
        }

        if (DrainAwareness is { } aware)
        {
            Gauge(sb, "single_active_elector_drain_awareness", "1 when this elector watches its own node, so a leader hands over before the node is drained; 0 when it cannot (forbidden, node not found, API unreachable): then leadership moves only at the eviction.", aware ? 1 : 0);
        }

        Gauge(sb, "single_active_elector_node_draining", "1 while this replica's node is cordoned, has a drain taint or is unreachable.", NodeDraining ? 1 : 0);
        Gauge(sb, "single_active_elector_drain_handover_blocked", "1 while this replica leads on a draining node and no standby on another node can take over (the reason is in the log, an Event and kubectl single-active status).", DrainHandoverBlocked ? 1 : 0);
        Gauge(sb, "single_active_elector_pod_deleting", "1 once this replica saw its pod's deletion start: it will never lead again.", PodDeleting ? 1 : 0);

        Counter(sb, "single_active_elector_fence_failures_total", "Failed writes marking the previous holder's pod not ready.", Interlocked.Read(ref fenceFailures));
        Counter(sb, "single_active_elector_lease_rewinds_total", "Reads that showed the Lease older than a state seen before they were sent: the API server's store went back in time (etcd restored from a snapshot without --bump-revision); log event 76.", status.LeaseRewinds);

        if (trust is not null)
        {
            Counter(sb, "single_active_elector_api_tls_failures_total", "API server certificates not trusted by the cluster CA bundle.", trust.Failures);
            Counter(sb, "single_active_elector_ca_reloads_total", "Times a changed cluster CA bundle file was loaded.", trust.Reloads);
        }

        if (ConnectionPoolReplacements is { } replacements)
        {
            Counter(sb, "single_active_elector_api_connection_pool_replacements_total", "Times every API connection was replaced because a call on one stopped answering.", replacements());
        }

        PrometheusText.WriteHeader(sb, "single_active_elector_api_errors_total", "Failed Kubernetes API calls, by operation.", "counter");
        // Every operation from the start, at 0 until one fails: Prometheus' increase() counts nothing for a series' first sample.
        for (var i = 0; i < apiErrors.Length; i++)
        {
            PrometheusText.WriteSample(sb, "single_active_elector_api_errors_total", "operation", ApiOperations.All[i], Interlocked.Read(ref apiErrors[i]));
        }

        renewDuration.WriteTo(sb);
        return sb.ToString();
    }

    private static void Gauge(StringBuilder sb, string name, string help, long value) => PrometheusText.WriteSingle(sb, name, help, "gauge", value);

    private static void Counter(StringBuilder sb, string name, string help, long value) => PrometheusText.WriteSingle(sb, name, help, "counter", value);
}
