using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Core.Logging;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Kubernetes;

/// <summary>Readiness mode: the previous holder's pod is marked not ready before this term's gate opens.</summary>
public sealed class LeadershipReporterFenceTests
{
    private static readonly LeaseRecord Term = new("pod-b", 15, null, null, 7);

    [Fact]
    public async Task OnElected_ReadinessMode_GateOpensOnlyOnceThePreviousHolderIsMarkedNotReady()
    {
        var api = new RecordingPodApi();
        api.Ready["pod-a"] = true;
        var reporter = Reporter(api, ElectorMode.Readiness);
        bool? openWhileFencing = null;
        api.BeforeFence = _ => openWhileFencing = reporter.ReadinessGate.IsOpen(7);

        reporter.OnElected(Term, previousHolder: "pod-a");
        Assert.False(reporter.ReadinessGate.IsOpen(7));
        await DrainAsync(reporter);

        Assert.False(openWhileFencing);
        Assert.True(reporter.ReadinessGate.IsOpen(7));
        Assert.False(reporter.ReadinessGate.IsOpen(8)); // the next term starts closed
        Assert.False(api.Ready["pod-a"]);
        var (pod, reason, message) = Assert.Single(api.Fences);
        Assert.Equal("pod-a", pod);
        Assert.Equal(PreviousHolderFence.ConditionReason, reason);
        Assert.Equal("pod-b leads Lease shop/web (leaseTransitions 7); pod-a held it before and must not receive traffic", message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pod-b")] // this very pod, restarted: its kubelet already follows its own /readyz
    public async Task OnElected_NobodyElseToFence_GateOpensOnceTheSweepFoundNobodyServing(string? previousHolder)
    {
        var api = new RecordingPodApi();
        api.Ready["pod-b"] = false;
        api.Ready["pod-c"] = false;
        var reporter = Reporter(api, ElectorMode.Readiness);

        reporter.OnElected(Term, previousHolder);
        Assert.False(reporter.ReadinessGate.IsOpen(7));
        await DrainAsync(reporter);

        Assert.True(reporter.ReadinessGate.IsOpen(7));
        Assert.Equal(1, api.Lists);
        Assert.DoesNotContain(api.Calls, c => c.StartsWith("fence", StringComparison.Ordinal));
    }

    /// <summary>
    /// This pod led before, could not fence pod-x, lost its term at its renew deadline (dropping that fence) and won the
    /// Lease again: its previous holder is itself, and only the sweep finds pod-x.
    /// </summary>
    [Fact]
    public async Task OnElected_SucceedsItselfWhileAPodOfAnEarlierTermIsStillReady_FencesIt()
    {
        var api = new RecordingPodApi();
        api.Ready["pod-x"] = true;
        var reporter = Reporter(api, ElectorMode.Readiness);

        reporter.OnElected(Term, previousHolder: "pod-b");
        await DrainAsync(reporter);

        Assert.True(reporter.ReadinessGate.IsOpen(7));
        Assert.Equal(["pod-x"], api.Fences.Select(f => f.Pod));
    }

    [Fact]
    public async Task OnElected_PreviousHolderGone_GateOpens()
    {
        var api = new RecordingPodApi();
        api.MissingPods.Add("pod-a");
        var reporter = Reporter(api, ElectorMode.Readiness);

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.Equal(["fence-missing:pod-a", "event:LeaderElected"], api.Calls);
        Assert.True(reporter.ReadinessGate.IsOpen(7));
    }

    [Fact]
    public async Task OnElected_LabelMode_DemotesByLabelNeverFencesAndTheGateIsOpen()
    {
        var api = new RecordingPodApi();
        var reporter = Reporter(api, ElectorMode.Label);

        reporter.OnElected(Term, previousHolder: "pod-a");
        Assert.True(reporter.ReadinessGate.IsOpen(7));
        await DrainAsync(reporter);

        Assert.Equal(["label:pod-a=standby", "label:pod-b=leader", "event:LeaderElected"], api.Calls);
        Assert.Empty(api.Fences);
    }

    [Fact]
    public async Task Fence_FailsThenSucceeds_StaysClosedRetriesWithBackoffCountsLogsAndRecordsOneEvent()
    {
        var api = new RecordingPodApi { FenceFailuresToInject = 3 };
        var time = new FakeTimeProvider();
        var metrics = new ElectorMetrics();
        using var log = new StringWriter();
        var reporter = Reporter(api, ElectorMode.Readiness, time, metrics, new JsonLineLogger("elector", LogLevel.Information, log, time));
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));
        var closedUntilFenced = true;
        var tries = new List<DateTimeOffset>();
        api.BeforeFence = _ =>
        {
            closedUntilFenced &= !reporter.ReadinessGate.IsOpen(7);
            tries.Add(time.GetUtcNow());
        };

        reporter.OnElected(Term, previousHolder: "pod-a");
        var waited = await AdvanceUntilAsync(time, () => reporter.ReadinessGate.IsOpen(7));

        reporter.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(closedUntilFenced);

        // Backoff from the retry period (0.5 s), doubling: 0.5 + 1 + 2 s before the fourth try. Only lower bounds:
        // the fake clock is advanced from outside, so a busy machine can only make the gaps look longer.
        Assert.True(waited >= TimeSpan.FromSeconds(3.5), $"waited {waited}");
        Assert.Equal(4, tries.Count);
        Assert.Equal([true, true, true], new[] { 0.5, 1, 2 }.Select((backoff, i) => tries[i + 1] - tries[i] >= TimeSpan.FromSeconds(backoff)));
        Assert.Equal(["fence-failed:pod-a", "fence-failed:pod-a", "fence-failed:pod-a", "fence:pod-a"], api.Calls.Where(c => c.StartsWith("fence", StringComparison.Ordinal)));
        Assert.Equal(3, metrics.FenceFailures);
        Assert.Equal(3, metrics.ApiErrors("fence"));
        var failed = Assert.Single(api.Events, e => (string?)e["reason"] == PreviousHolderFence.FailedReason);
        Assert.Equal("Warning", (string?)failed["type"]);
        Assert.Equal("pod-b", (string?)failed["involvedObject"]!["name"]);
        Assert.Contains("could not mark pod-a, the previous holder, not ready: 403 Forbidden (test)", (string?)failed["message"], StringComparison.Ordinal);
        var events = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("eventId").GetInt32()).ToList();
        Assert.Equal(3, events.Count(id => id == 22));
        Assert.Equal(1, events.Count(id => id == 21));
    }

    [Fact]
    public async Task Fence_KeepsFailing_AtMostOneEventPerInterval()
    {
        var api = new RecordingPodApi { FenceFailuresToInject = int.MaxValue };
        var time = new FakeTimeProvider();
        var metrics = new ElectorMetrics();
        var reporter = Reporter(api, ElectorMode.Readiness, time, metrics);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));

        var start = time.GetUtcNow();
        reporter.OnElected(Term, previousHolder: "pod-a");
        await AdvanceUntilAsync(time, () => time.GetUtcNow() - start >= TimeSpan.FromSeconds(150));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(reporter.ReadinessGate.IsOpen(7));
        Assert.True(metrics.FenceFailures >= 8, $"{metrics.FenceFailures} tries");

        // Failures at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 61.5, 91.5, 121.5 s: Events at 0, 61.5 and
        // (unless the loop lagged the fake clock) 121.5 s.
        Assert.InRange(api.Events.Count(e => (string?)e["reason"] == PreviousHolderFence.FailedReason), 2, 3);
    }

    [Fact]
    public async Task OnLost_FenceStillFailing_DroppedAndTheGateNeverOpens()
    {
        var api = new RecordingPodApi { FenceFailuresToInject = int.MaxValue };
        var time = new FakeTimeProvider();
        var reporter = Reporter(api, ElectorMode.Readiness, time);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));
        reporter.OnElected(Term, previousHolder: "pod-a");
        await AdvanceUntilAsync(time, () => api.Calls.Count(c => c == "fence-failed:pod-a") >= 2);

        reporter.OnLost(LeadershipLossReason.RenewDeadlineExceeded, null);
        for (var i = 0; i < 1000 && !reporter.IsIdle; i++)
        {
            await Task.Delay(1);
        }

        // It would succeed now, but it is no longer this replica's to write.
        api.FenceFailuresToInject = 0;
        var triesAtLoss = api.Calls.Count(c => c.StartsWith("fence", StringComparison.Ordinal));
        for (var i = 0; i < 120; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(1);
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(triesAtLoss, api.Calls.Count(c => c.StartsWith("fence", StringComparison.Ordinal)));
        Assert.Contains("event:LeadershipLost", api.Calls);
        Assert.False(reporter.ReadinessGate.IsOpen(7));
    }

    /// <summary>
    /// The gap the sweep closes: pod-x led until its node lost the control plane and is still Ready in the API; its
    /// successor could not fence it and lost its own term (pod-a, dropped above); pod-b now succeeds pod-a, who is all it
    /// knows of. Without the sweep pod-b served next to pod-x until the node lifecycle controller acted.
    /// </summary>
    [Fact]
    public async Task OnElected_APodOfAnEarlierTermStillReady_FencedTooAndTheGateOpensOnlyOnceBothAre()
    {
        var api = new RecordingPodApi();
        api.Ready["pod-a"] = false; // the previous holder: answered 503 when it lost its term
        api.Ready["pod-x"] = true; // partitioned two terms ago; its kubelet cannot report
        api.Ready["pod-c"] = false; // a standby
        var reporter = Reporter(api, ElectorMode.Readiness);
        var openAtEachFence = new List<bool>();
        api.BeforeFence = _ => openAtEachFence.Add(reporter.ReadinessGate.IsOpen(7));

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.Equal([false, false], openAtEachFence);
        Assert.True(reporter.ReadinessGate.IsOpen(7));
        Assert.Equal(["pod-a", "pod-x"], api.Fences.Select(f => f.Pod));
        Assert.Equal("pod-b leads Lease shop/web (leaseTransitions 7); pod-x is still Ready or ContainersReady from an earlier term and must not receive traffic", api.Fences.Last().Message);
        Assert.Empty(api.Endpoints);
    }

    /// <summary>
    /// A pod fenced on Ready alone (by an elector before ContainersReady was fenced too) whose node cannot report keeps
    /// ContainersReady: a load balancer that registers pods itself still routes to it while its node is Ready.
    /// </summary>
    [Fact]
    public async Task OnElected_APodNotReadyWhoseContainersAreStillReady_FencedOnBoth()
    {
        var api = new RecordingPodApi();
        api.KubeletReports("pod-a", probeSucceeded: false);
        api.Ready["pod-x"] = false;
        api.ContainersReady["pod-x"] = true;
        var reporter = Reporter(api, ElectorMode.Readiness);

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.Equal(["pod-a", "pod-x"], api.Fences.Select(f => f.Pod));
        Assert.True(reporter.ReadinessGate.IsOpen(7));
        Assert.Empty(api.LoadBalancerTargets);
    }

    [Fact]
    public async Task OnElected_TheLeasesPodsCannotBeListed_StaysClosedAndListsAgain()
    {
        var api = new RecordingPodApi();
        api.Ready["pod-x"] = true;
        api.NextListFailures.Enqueue(new HttpRequestException("connection refused (test)"));
        var time = new FakeTimeProvider();
        var metrics = new ElectorMetrics();
        var reporter = Reporter(api, ElectorMode.Readiness, time, metrics);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));
        var openAtFence = new List<bool>();
        api.BeforeFence = _ => openAtFence.Add(reporter.ReadinessGate.IsOpen(7));

        reporter.OnElected(Term, previousHolder: "pod-a");
        await AdvanceUntilAsync(time, () => reporter.ReadinessGate.IsOpen(7));

        reporter.Complete();
        await AdvanceUntilAsync(time, () => run.IsCompleted); // What is left (its Events) may wait out a backoff on the fake clock.
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, metrics.ApiErrors("pods"));
        Assert.Equal(1, api.Lists);
        Assert.Equal([false, false], openAtFence);
        Assert.Equal(["pod-a", "pod-x"], api.Fences.Select(f => f.Pod));
    }

    [Fact]
    public async Task OnElected_MayNotListPods_FencesThePreviousHolderOnlyAsBefore()
    {
        var api = new RecordingPodApi();
        api.Ready["pod-x"] = true;
        api.NextListFailures.Enqueue(new KubeApiException(HttpStatusCode.Forbidden, "403 Forbidden: pods is forbidden (test)"));
        var reporter = Reporter(api, ElectorMode.Readiness);

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.True(reporter.ReadinessGate.IsOpen(7));
        Assert.Equal(["pod-a"], api.Fences.Select(f => f.Pod));
    }

    [Fact]
    public async Task OnLost_WhileTheSweepIsListing_NothingItFoundIsWrittenAndTheGateStaysClosed()
    {
        var api = new RecordingPodApi();
        api.Ready["pod-x"] = true;
        var reporter = Reporter(api, ElectorMode.Readiness);
        api.BeforeList = () => reporter.OnLost(LeadershipLossReason.RenewDeadlineExceeded, null);

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.False(reporter.ReadinessGate.IsOpen(7));
        Assert.Equal(["pod-a"], api.Fences.Select(f => f.Pod)); // written before the term ended
        Assert.True(api.Ready["pod-x"]);
    }

    [Fact]
    public async Task OnElected_LabelModeTheLeasesPodsCannotBeListed_ThisPodIsNotLabelledLeaderUntilTheyAre()
    {
        var api = new RecordingPodApi();
        api.Roles["pod-x"] = "leader";
        api.NextListFailures.Enqueue(new HttpRequestException("connection refused (test)"));
        var time = new FakeTimeProvider();
        var reporter = Reporter(api, ElectorMode.Label, time);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));

        reporter.OnElected(Term, previousHolder: "pod-a");
        await AdvanceUntilAsync(time, () => api.Roles.GetValueOrDefault("pod-b") == "leader");

        reporter.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["label:pod-a=standby", "label:pod-x=standby", "label:pod-b=leader"], api.Calls.Where(c => c.StartsWith("label", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OnElected_LabelModeAPodOfAnEarlierTermStillLabelledLeader_DemotedBeforeThisOneIsLabelled()
    {
        var api = new RecordingPodApi();
        api.Roles["pod-x"] = "leader";
        api.Roles["pod-c"] = "standby";
        var reporter = Reporter(api, ElectorMode.Label);

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.Equal(["label:pod-a=standby", "label:pod-x=standby", "label:pod-b=leader"], api.Calls.Where(c => c.StartsWith("label", StringComparison.Ordinal)));
        Assert.Equal(["pod-b"], api.Roles.Where(r => r.Value == "leader").Select(r => r.Key));
    }

    private static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, int limit = 400)
    {
        var waited = TimeSpan.Zero;
        for (var i = 0; i < limit && !condition(); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            waited += TimeSpan.FromMilliseconds(500);
            await Task.Delay(2);
        }

        Assert.True(condition(), $"not reached within {limit / 2} s of fake time");
        return waited;
    }

    private static LeadershipReporter Reporter(RecordingPodApi api, ElectorMode mode, TimeProvider? time = null, ElectorMetrics? metrics = null, ILogger? logger = null) =>
        new(api, "shop", "pod-b", "uid-b", "shop/web", "web", mode, time ?? TimeProvider.System, TimeSpan.FromMilliseconds(500), metrics ?? new ElectorMetrics(), logger ?? NullLogger.Instance);

    private static async Task DrainAsync(LeadershipReporter reporter)
    {
        reporter.Complete();
        await reporter.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
