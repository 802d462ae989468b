using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Build;
using SingleActive.Core.Logging;
using SingleActive.Elector.Configuration;
using SingleActive.Elector.Election;
using SingleActive.Elector.Health;
using SingleActive.Elector.Http;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Succession;

namespace SingleActive.Elector;

/// <summary>Wires the elector from its environment and runs it until SIGTERM/SIGINT.</summary>
public static class ElectorHost
{
    public const int ExitInvalidConfiguration = 2;
    public const int ExitNoCluster = 3;
    public const int ExitCannotListen = 4;
    public const int ExitFailed = 1;

    /// <summary>What <c>--help</c> prints: the elector takes no arguments; the webhook configures it through its environment.</summary>
    public static readonly string Usage = $"""
        single-active-elector: the leader-election sidecar the single-active webhook injects. Only the leader is Ready
        (readiness mode) or labelled {Labels.Role}={Labels.Leader} (label mode).

        It takes no arguments: the webhook renders its configuration into the container's environment.
        Required: {ElectorEnv.PodName} (this replica's identity in the Lease), {ElectorEnv.LeaseName}, and {ElectorEnv.PodNamespace}
        unless the in-cluster namespace file exists. Every variable with its default: docs/elector.md, "Configuration".

        Exit codes: {ExitInvalidConfiguration} invalid configuration (each problem printed), {ExitNoCluster} no usable Kubernetes API
        configuration, {ExitCannotListen} the port cannot be bound, {ExitFailed} any other failure; 0 after SIGTERM once the Lease is released.

        """;

    // After the Lease is released, queued Events and label patches get this long to go out.
    private static readonly TimeSpan ReportDrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Whether the command line is <c>--help</c>, <c>-h</c> or <c>-?</c>; any other arguments are ignored, as they always were.</summary>
    public static bool AsksForHelp(IReadOnlyList<string> args) => args is ["--help" or "-h" or "-?"];

    public static async Task<int> RunAsync(Func<string, string?> env, TextWriter stderr)
    {
        var options = ElectorOptions.Parse(env, out var errors);
        if (options is null)
        {
            await stderr.WriteLineAsync("single-active-elector: refusing to start:").ConfigureAwait(false);
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync("  - " + error).ConfigureAwait(false);
            }

            return ExitInvalidConfiguration;
        }

        var time = TimeProvider.System;
        ILogger logger = new JsonLineLogger("single-active-elector", options.LogLevel, stderr, time);

        ClusterConnection connection;
        try
        {
            connection = ClusterConnection.FromEnvironment(env);
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"single-active-elector: no usable Kubernetes API configuration: {ErrorText.Of(e)}").ConfigureAwait(false);
            return ExitNoCluster;
        }

        using var api = new KubeApiClient(connection);
        return await RunAsync(options, api, time, logger, stderr).ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(ElectorOptions options, KubeApiClient api, TimeProvider time, ILogger logger, TextWriter stderr)
    {
        var leaseDescription = $"{options.Namespace}/{options.LeaseName}";
        var metrics = new ElectorMetrics();
        metrics.Describe(options.LeaseName, options.Mode, BuildVersion.Current);
        var store = new KubernetesLeaseStore(api, options.Namespace, options.LeaseName);
        using var appHealth = AppHealthFrom(options, time, logger);
        var reporter = new LeadershipReporter(new KubernetesPodApi(api, options.Namespace), options.Namespace, options.Identity, options.PodUid, leaseDescription, options.LeaseName, options.Mode, time, options.Timings.RetryPeriod, metrics, logger);
        var candidatePods = new KubernetesCandidatePods(api, options.Namespace, options.LeaseName);
        var candidacy = new CandidacyAdvertiser(candidatePods, options.Identity, leaseDescription, time, options.Timings.RetryPeriod, metrics, logger);
        var nodes = options.NodeName is null ? null : new KubernetesNodeApi(api);
        var planner = new SuccessionPlanner(candidatePods, new KubernetesWorkloadRevisions(api, options.Namespace), nodes, options.DrainTaints, options.Identity);
        var operatorSupport = new OperatorSupport(candidatePods, new OperatorReporter(reporter, candidacy, options.Identity, leaseDescription), planner);
        // Readiness mode: a voluntary release waits for this pod's kubelet to have seen it not ready (label mode needs not).
        var ownPod = options.Mode == ElectorMode.Readiness ? new OwnPodReadiness(time, options.Probe) : null;
        // Leadership follows whether the app containers run, as the kubelet reports them, and the app's readinessProbe where it has one.
        var appContainers = new AppContainersHealth(time, logger);
        metrics.AppContainersRunning = () => appContainers.Running;
        var elector = new LeaderElector(
            new ElectionSettings(options.Identity, options.Timings), store, time, appHealth is null ? appContainers : new AllAppHealth(appContainers, appHealth), reporter, metrics, logger,
            readinessGate: reporter.ReadinessGate, operatorSupport: operatorSupport, ownPod: ownPod);
        appHealth?.Attach(elector);
        appContainers.Attach(elector.Wake);
        var watcher = new LeaseWatcher(store, elector, time, options.Timings, metrics, logger);
        var podWatcher = new OwnPodWatcher(new KubernetesOwnPodStore(api, options.Namespace, options.Identity), elector, options.Identity, options.PodUid, options.Namespace, time, options.Timings.RetryPeriod, metrics, logger, ownPod, appContainers);
        var nodeWatcher = nodes is null ? null : new OwnNodeWatcher(nodes, options.NodeName!, options.DrainTaints, elector, time, options.Timings.RetryPeriod, metrics, logger);
        metrics.ConnectionPoolReplacements = () => api.PoolReplacements;
        var endpoints = new ElectorEndpoints(elector, options.Mode, leaseDescription, metrics, appHealth, api.Trust, ownPod);

        ElectorHttpServer server;
        try
        {
            server = new ElectorHttpServer(options.Bind, options.Port, endpoints.Handle, logger);
        }
        catch (SocketException e)
        {
            await stderr.WriteLineAsync($"single-active-elector: cannot listen on {options.Bind}:{options.Port} ({ElectorEnv.Port}, {ElectorEnv.Bind}): {ErrorText.Of(e)}").ConfigureAwait(false);
            return ExitCannotListen;
        }

        await using (server.ConfigureAwait(false))
        {
            server.Start();
            Log.Listening(logger, options.Bind.ToString(), server.Port);
            Log.Starting(logger, options.Identity, options.Namespace, options.LeaseName, Duration.Format(options.Timings.LeaseDuration), Duration.Format(options.Timings.RenewDeadline), Duration.Format(options.Timings.RetryPeriod), options.Mode.ToString().ToLowerInvariant());

            using var stop = new CancellationTokenSource();
            using var stopPodWatch = new CancellationTokenSource();
            var signalled = 0;
            using var stopReporting = new CancellationTokenSource();
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Shutdown(context, "SIGTERM"));
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Shutdown(context, "SIGINT"));

            reporter.OnStarted();
            var reporting = reporter.RunAsync(stopReporting.Token);
            var watching = watcher.RunAsync(stop.Token);

            // Off the election loop: neither start-up nor leadership waits for it (see OwnPodWatcher). It outlives SIGTERM
            // until the Lease is released: the release after SIGTERM waits for what it shows (OwnPodReadiness).
            var watchingPod = podWatcher.RunAsync(stopPodWatch.Token);
            var checking = appHealth?.RunAsync(stop.Token) ?? Task.CompletedTask;
            var watchingNode = nodeWatcher?.RunAsync(stop.Token) ?? Task.CompletedTask;
            if (nodeWatcher is null)
            {
                Log.DrainAwarenessNoNodeName(logger);
            }

            var advertising = candidacy.RunAsync(stop.Token);
            if (options.Mode == ElectorMode.Readiness)
            {
                // Said at start-up, not discovered at the first failover (see FencePermission).
                _ = Task.Run(async () => metrics.FencePermitted = await FencePermission.CheckAsync(api, options.Namespace, logger, stop.Token).ConfigureAwait(false));
            }

            try
            {
                // Returns after SIGTERM, once the Lease is released (or the release gave up).
                await elector.RunAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await stderr.WriteLineAsync($"single-active-elector: election loop failed: {e}").ConfigureAwait(false);
                return ExitFailed;
            }
            finally
            {
                await stopPodWatch.CancelAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(watching, watchingPod, checking, advertising, watchingNode).ConfigureAwait(false);
            reporter.Complete();
            stopReporting.CancelAfter(ReportDrainTimeout);
            await reporting.ConfigureAwait(false);
            Log.Stopped(logger);
            return 0;

            void Shutdown(PosixSignalContext context, string signal)
            {
                // Handle it ourselves: the default would exit before the Lease is released.
                context.Cancel = true;
                if (Interlocked.Exchange(ref signalled, 1) == 0)
                {
                    Log.ShutdownRequested(logger, signal);
                    stop.Cancel();
                }
            }
        }
    }

    /// <summary>
    /// The app's readinessProbe, run as the kubelet runs it (its period, timeout and failure threshold); pods injected
    /// by an older webhook carry only a URL, checked every second with the elector's own threshold.
    /// </summary>
    private static AppHealthMonitor? AppHealthFrom(ElectorOptions options, TimeProvider time, ILogger logger)
    {
        if (options.AppProbe is { } probe)
        {
            var check = new ProbeAppHealthCheck(probe, options.PodIp);
            Log.FollowingAppProbe(logger, check.Target, probe.PeriodSeconds, probe.TimeoutSeconds, probe.FailureThreshold);
            return new AppHealthMonitor(check, probe.FailureThreshold, TimeSpan.FromSeconds(probe.PeriodSeconds), time, logger, check);
        }

        if (options.AppHealthUrl is { } url)
        {
            var check = new HttpAppHealthCheck(url);
            return new AppHealthMonitor(check, options.AppHealthFailureThreshold, options.AppHealthInterval, time, logger, check);
        }

        return null;
    }
}
