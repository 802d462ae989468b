using System.Text.Json;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>One workload: its pods injected, the sidecar form against its nodes, timings against the safety bound and for quick handovers, its bindings, failover paused, pods split over Leases, replicas on one node or zone, elector images, Istio capturing the elector's port, rollout strategies and disruption budgets that stall or trap, and Services that reach the standbys (label mode: not selecting the leader label; readiness mode: publishing not-ready addresses), and readiness-mode Services that select the leader label no pod carries.</summary>
internal static class WorkloadChecks
{
    public static IEnumerable<Finding> Run(ClusterSnapshot snapshot, NamespaceSnapshot ns, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        var subject = $"{ns.Name}/{workload.Reference}";
        var injected = pods.Select(PodInjectionStatus.StatusOf).OfType<JsonElement>().ToList();
        if (pods.Count > 0 && injected.Count < pods.Count)
        {
            yield return new Finding(Severity.Error, subject, $"{pods.Count - injected.Count} of {pods.Count} pods run without the elector (no single-active.io/status annotation): created before the webhook served this namespace, or bypassing it",
                $"recreate them: kubectl rollout restart {workload.Reference} -n {ns.Name}");
        }

        foreach (var finding in Sidecar(snapshot, subject, pods, injected).Concat(Timings(subject, workload)).Concat(RbacChecks.Bindings(snapshot, ns, subject, workload, pods))
            .Concat(FailoverPaused(ns, subject, workload)).Concat(LeaseChecks.SplitLeases(ns, subject, workload, pods)).Concat(LeaseChecks.SharedLease(ns, subject, workload, pods)).Concat(PlacementChecks.Run(snapshot, ns, subject, workload, pods)).Concat(ElectorImages(ns, subject, workload, pods)).Concat(ElectorProbes(ns, subject, workload, pods)).Concat(MeshCapturesElectorPort(ns, subject, workload, pods)))
        {
            yield return finding;
        }

        if (workload.Mode == ElectorMode.Label)
        {
            // A headless Service selecting every replica is how peers find each other: only its clients are at risk.
            foreach (var exposure in LeaderSelectorAdvisor.Find(ns.Services, workload.Workload))
            {
                yield return new Finding(exposure.Headless ? Severity.Warning : Severity.Error, subject, exposure.Problem, exposure.Fix);
            }

            yield break;
        }

        // A headless Service may be what peers need (per-pod names, discovery): a warning there, an error elsewhere.
        foreach (var exposure in NotReadyAddressAdvisor.Find(ns.Services, workload.Workload))
        {
            yield return new Finding(exposure.Headless ? Severity.Warning : Severity.Error, subject, exposure.Problem, exposure.Fix);
        }

        foreach (var leaderless in RoleSelectorAdvisor.Find(ns.Services, workload.Workload))
        {
            yield return new Finding(Severity.Error, subject, leaderless.Problem, leaderless.Fix);
        }

        switch (workload.Source)
        {
            case V1Deployment deployment when DeploymentStrategyPlanner.Stalls(deployment.Spec?.Strategy):
                yield return new Finding(Severity.Error, subject, $"rollouts stall: strategy RollingUpdate with maxUnavailable {deployment.Spec?.Strategy?.RollingUpdate?.MaxUnavailable?.Value ?? "25% (default)"}, but only the leader is ever Ready (readiness mode)",
                    $"set spec.strategy.rollingUpdate.maxUnavailable: 100% (the webhook does so when it admits the Deployment: is it served?), or use label mode");
                break;
            case V1StatefulSet statefulSet when statefulSet.Spec?.PodManagementPolicy != "Parallel":
                yield return new Finding(Severity.Error, subject, "podManagementPolicy OrderedReady: only the first pod is ever created, since the next waits for a Ready standby (readiness mode)",
                    "recreate it with Parallel: kubectl delete statefulset --cascade=orphan, then apply with podManagementPolicy: Parallel (docs/workloads.md)");
                break;
            case V1StatefulSet statefulSet when statefulSet.Spec?.UpdateStrategy?.Type is null or "RollingUpdate" && (statefulSet.Spec?.Replicas ?? 1) > 1:
                yield return new Finding(Severity.Warning, subject, "rolling updates stall after the first replaced standby, which never turns Ready (readiness mode)",
                    "use label mode, or updateStrategy OnDelete and delete the pods yourself, standbys first");
                break;
            default:
                break;
        }

        foreach (var warning in PodDisruptionBudgetAdvisor.Advise(ns.Budgets, workload.Workload))
        {
            yield return new Finding(Severity.Warning, subject, warning.Replace("single-active: ", "", StringComparison.Ordinal), "see docs/workloads.md#poddisruptionbudgets");
        }
    }

    private static IEnumerable<Finding> Sidecar(ClusterSnapshot snapshot, string subject, IReadOnlyList<V1Pod> pods, IReadOnlyList<JsonElement> injected)
    {
        if (injected.Count == 0)
        {
            yield break;
        }

        var status = injected[0];
        var native = PodInjectionStatus.Text(status, "sidecar") == "native";
        var reason = PodInjectionStatus.Text(status, "sidecarReason");
        yield return new Finding(Severity.Info, subject, $"elector runs as a {(native ? "native sidecar" : "regular container")}{(reason is null ? "" : $" ({reason})")}");
        if (!native)
        {
            yield break;
        }

        var nodeNames = pods.Select(p => p.Spec?.NodeName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var node in snapshot.Nodes.Where(n => nodeNames.Count == 0 || nodeNames.Contains(n.Metadata.Name)))
        {
            if (SnapshotReader.ParseVersion(new VersionInfo { GitVersion = node.Status?.NodeInfo?.KubeletVersion }) is { } kubelet && kubelet < DoctorChecks.NativeSidecarKubelet)
            {
                yield return new Finding(Severity.Error, subject, $"native sidecar, but node {node.Metadata.Name} runs kubelet {kubelet.Major}.{kubelet.Minor} (needs 1.29+): its pods never start there",
                    "upgrade the node, or have the webhook inject regular containers (--Injector:SidecarMode=auto or container)");
            }
        }
    }

    /// <summary>Failover paused (<c>kubectl single-active pause</c>), which nothing ends but a resume.</summary>
    private static IEnumerable<Finding> FailoverPaused(NamespaceSnapshot ns, string subject, SingleActiveWorkload workload)
    {
        var lease = ns.Leases.FirstOrDefault(l => l.Metadata?.Name == workload.LeaseName);
        if (lease?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(Annotations.Paused, out var paused) && FailoverPause.IsPaused(paused))
        {
            yield return new Finding(Severity.Warning, subject, $"failover is paused (Lease {workload.LeaseName}, annotation {Annotations.Paused}): a leader that fails or is deleted is not replaced until resumed",
                $"kubectl single-active resume {workload.Reference} -n {ns.Name}, once the maintenance is over");
        }
    }

    /// <summary>
    /// Pods of one workload running different elector images: the webhook injects its own image at each pod's creation,
    /// so after an upgrade the older pods keep the elector they were created with (and whatever it lacked) until replaced.
    /// </summary>
    private static IEnumerable<Finding> ElectorImages(NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        var images = ActivePods.Of(workload, pods)
            .Select(p => PodContainers.Elector(p.Spec)?.Image)
            .OfType<string>()
            .GroupBy(i => i, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (images.Count > 1)
        {
            yield return new Finding(Severity.Warning, subject, $"its pods run {images.Count} elector images: {string.Join(", ", images.Select(g => $"{g.Key} ({g.Count()} {(g.Count() == 1 ? "pod" : "pods")})"))}; each keeps the elector it was created with",
                workload.Source is V1StatefulSet { Spec.UpdateStrategy.Type: "OnDelete" }
                    ? "replace the older pods: delete them one at a time, standbys first (updateStrategy OnDelete)"
                    : $"replace the older pods: kubectl rollout restart {workload.Reference} -n {ns.Name}");
        }
    }

    /// <summary>
    /// Pods whose elector's readinessProbe was changed after injection (<see cref="ElectorReadinessProbe"/>): an error when
    /// it makes them Ready whether or not they lead, a warning when it is slower than the elector relies on.
    /// </summary>
    private static IEnumerable<Finding> ElectorProbes(NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        var fix = $"find what changed the elector's probe after injection (a mutating webhook or policy, a rewritten manifest) and stop it, then replace the pods: kubectl rollout restart {workload.Reference} -n {ns.Name}";
        foreach (var (severity, check) in new (Severity, Func<V1Pod, V1Container, string?>)[] { (Severity.Error, ElectorReadinessProbe.ReadyRegardless), (Severity.Warning, ElectorReadinessProbe.Slower) })
        {
            var changed = ActivePods.Of(workload, pods)
                .Select(p => (Pod: p.Metadata?.Name ?? "", Problem: PodContainers.Elector(p.Spec) is { } elector ? check(p, elector) : null))
                .Where(p => p.Problem is not null)
                .OrderBy(p => p.Pod, StringComparer.Ordinal)
                .ToList();
            if (changed.Count > 0)
            {
                yield return new Finding(severity, subject, $"the elector of {(changed.Count == 1 ? "pod" : "pods")} {string.Join(", ", changed.Select(p => p.Pod))} {changed[0].Problem}", fix);
                yield break;
            }
        }
    }

    /// <summary>
    /// Pods with Istio's sidecar whose inbound capture takes the elector's port: under <c>STRICT</c> mutual TLS the sidecar
    /// refuses the kubelet's plain-HTTP probes of the elector (Istio rewrites only the probes a pod has when Istio injects
    /// it, which is before this webhook), and Prometheus' scrape. The mesh's mode is not visible from here: a warning.
    /// </summary>
    private static IEnumerable<Finding> MeshCapturesElectorPort(NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        var captured = new List<(V1Pod Pod, int Port)>();
        foreach (var pod in ActivePods.Of(workload, pods))
        {
            if (PodContainers.All(pod.Spec).Any(c => c.Name == IstioProxy)
                && PodInjectionStatus.StatusOf(pod) is { } status && ElectorPort(status) is var port && Captures(InboundPorts(pod), port))
            {
                captured.Add((pod, port));
            }
        }

        if (captured.Count > 0)
        {
            var (first, port) = captured[0];
            var (included, excluded) = InboundPorts(first);
            var change = CapturesOnlyListed(included)
                ? $"remove {port} from the annotation {IstioIncludeInboundPorts} (now \"{included}\")"
                : excluded is null ? $"add the annotation {IstioExcludeInboundPorts}: \"{port}\"" : $"add {port} to the annotation {IstioExcludeInboundPorts} (now \"{excluded}\")";
            yield return new Finding(Severity.Warning, subject,
                $"{captured.Count} of its pods run Istio's sidecar, which captures the elector's port {port}: if the mesh enforces STRICT mutual TLS, the kubelet's probes of the elector fail (in readiness mode no pod is ever Ready) and Prometheus cannot scrape it",
                $"{change} on the pod template of {workload.Reference} in namespace {ns.Name} (Istio reads it when it injects; PERMISSIVE mode, or a mesh-wide exclusion of the port, needs nothing)");
        }
    }

    private const string IstioProxy = "istio-proxy";
    private const string IstioExcludeInboundPorts = "traffic.sidecar.istio.io/excludeInboundPorts";
    private const string IstioIncludeInboundPorts = "traffic.sidecar.istio.io/includeInboundPorts";

    private static int ElectorPort(JsonElement status) =>
        status.TryGetProperty("port", out var port) && port.TryGetInt32(out var number) ? number : ElectorHttp.DefaultPort;

    /// <summary>The pod's <c>includeInboundPorts</c> and <c>excludeInboundPorts</c> annotations (null when absent).</summary>
    private static (string? Included, string? Excluded) InboundPorts(V1Pod pod)
    {
        var annotations = pod.Metadata?.Annotations;
        return (annotations is not null && annotations.TryGetValue(IstioIncludeInboundPorts, out var included) ? included : null,
            annotations is not null && annotations.TryGetValue(IstioExcludeInboundPorts, out var excluded) ? excluded : null);
    }

    /// <summary>An explicit list of captured ports (not "*", the default): all Istio captures, and its exclusions do not apply (Istio's annotation reference).</summary>
    private static bool CapturesOnlyListed(string? included) => included is not null && included.Trim() != "*";

    /// <summary>Whether Istio's inbound capture, as its injector reads these annotations, takes <paramref name="port"/>.</summary>
    private static bool Captures((string? Included, string? Excluded) ports, int port)
    {
        static bool Lists(string? list, int port) =>
            list is not null && list.Split(',', StringSplitOptions.TrimEntries).Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        return CapturesOnlyListed(ports.Included) ? Lists(ports.Included, port) : !Lists(ports.Excluded, port);
    }

    private static IEnumerable<Finding> Timings(string subject, SingleActiveWorkload workload)
    {
        var annotations = workload.TemplateAnnotations ?? new Dictionary<string, string>();
        TimeSpan Read(string key, TimeSpan fallback) => annotations.TryGetValue(key, out var text) && Duration.TryParse(text, out var value) ? value : fallback;
        var timings = new ElectionTimings(
            Read(Annotations.LeaseDuration, ElectionTimings.Default.LeaseDuration),
            Read(Annotations.RenewDeadline, ElectionTimings.Default.RenewDeadline),
            Read(Annotations.RetryPeriod, ElectionTimings.Default.RetryPeriod));
        var period = (int)Read(Annotations.ProbePeriod, TimeSpan.FromSeconds(ReadinessProbeTimings.Default.PeriodSeconds)).TotalSeconds;
        var probe = ReadinessProbeTimings.Default with { PeriodSeconds = Math.Max(period, 1) };
        var problems = timings.Validate(probe);
        foreach (var problem in problems)
        {
            yield return new Finding(Severity.Error, subject, "template timings: " + problem,
                "fix the single-active.io/lease-duration, renew-deadline, retry-period or probe-period annotations (the webhook denies such pods)");
        }

        // The webhook's admission warning, for workloads admitted before it or without it.
        if (problems.Count == 0 && workload.Mode == ElectorMode.Readiness && timings.SlowReleaseProblem(probe) is { } slow)
        {
            yield return new Finding(Severity.Warning, subject, "template timings make handovers slow: " + slow,
                "raise single-active.io/renew-deadline (and lease-duration with it, for the safety bound) or lower single-active.io/probe-period");
        }
    }
}
