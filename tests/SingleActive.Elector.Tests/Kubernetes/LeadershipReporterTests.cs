using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class LeadershipReporterTests
{
    private static readonly LeaseRecord Term = new("pod-b", 15, null, null, 7);

    [Fact]
    public async Task OnElected_LabelMode_DemotesThePreviousHolderBeforeLabellingItself()
    {
        var api = new RecordingPodApi();
        var reporter = Reporter(api, ElectorMode.Label, podUid: "uid-b");

        reporter.OnStarted();
        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.Equal(["label:pod-b=standby", "label:pod-a=standby", "label:pod-b=leader", "event:LeaderElected"], api.Calls);
    }

    [Fact]
    public async Task OnLost_LabelMode_LabelsItselfStandbyAndRecordsTheReason()
    {
        var api = new RecordingPodApi();
        var reporter = Reporter(api, ElectorMode.Label, podUid: "uid-b");

        reporter.OnLost(LeadershipLossReason.RenewDeadlineExceeded, null);
        await DrainAsync(reporter);

        Assert.Equal(["label:pod-b=standby", "event:LeadershipLost"], api.Calls);
        var lost = Assert.Single(api.Events);
        Assert.Equal("Warning", (string?)lost["type"]);
        Assert.Contains("renew deadline", (string?)lost["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnElected_ReadinessMode_FencesThePreviousHolderAndRecordsAnEventOnItsOwnPod()
    {
        var api = new RecordingPodApi();
        var reporter = Reporter(api, ElectorMode.Readiness, podUid: "uid-b");

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        var elected = Assert.Single(api.Events);
        Assert.Equal(["fence:pod-a", "event:LeaderElected"], api.Calls);
        Assert.Equal("LeaderElected", (string?)elected["reason"]);
        Assert.Equal("Normal", (string?)elected["type"]);
        Assert.Equal("Pod", (string?)elected["involvedObject"]!["kind"]);
        Assert.Equal("pod-b", (string?)elected["involvedObject"]!["name"]);
        Assert.Equal("shop", (string?)elected["involvedObject"]!["namespace"]);
        Assert.Equal("uid-b", (string?)elected["involvedObject"]!["uid"]);
        Assert.Equal("shop", (string?)elected["metadata"]!["namespace"]);
        Assert.Equal("pod-b became leader of Lease shop/web (leaseTransitions 7, previous holder pod-a)", (string?)elected["message"]);
    }

    [Fact]
    public async Task Events_NoUidGiven_LooksThePodUpOnce()
    {
        var api = new RecordingPodApi();
        var reporter = Reporter(api, ElectorMode.Readiness, podUid: null);

        reporter.OnElected(Term, null);
        reporter.OnLost(LeadershipLossReason.ShuttingDown, null);
        await DrainAsync(reporter);

        Assert.Equal(["get-pod:pod-b", "event:LeaderElected", "event:LeadershipLost"], api.Calls);
        Assert.All(api.Events, e => Assert.Equal("uid-from-api", (string?)e["involvedObject"]!["uid"]));
    }

    [Fact]
    public async Task Events_PodNotReadable_StillRecordedWithoutUid()
    {
        var api = new RecordingPodApi { Uid = null };
        var reporter = Reporter(api, ElectorMode.Readiness, podUid: null);

        reporter.OnElected(Term, null);
        await DrainAsync(reporter);

        Assert.Null(Assert.Single(api.Events)["involvedObject"]!["uid"]);
    }

    [Fact]
    public async Task Label_ApiFails_RetriesUntilItSticks()
    {
        var api = new RecordingPodApi { LabelFailuresToInject = 2 };
        var time = new FakeTimeProvider();
        var reporter = Reporter(api, ElectorMode.Label, podUid: "uid-b", time);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));

        reporter.OnStarted();
        for (var i = 0; i < 5000 && !api.Calls.Contains("label:pod-b=standby"); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(1);
        }

        reporter.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["label-failed:pod-b=standby", "label-failed:pod-b=standby", "label:pod-b=standby"], api.Calls);
    }

    [Fact]
    public async Task Label_FailsWithAnEventQueuedBehind_RetriedUntilItSticks()
    {
        var api = new RecordingPodApi { LabelFailuresToInject = 2 };
        var time = new FakeTimeProvider();
        var reporter = Reporter(api, ElectorMode.Label, podUid: "uid-b", time);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));

        reporter.OnLost(LeadershipLossReason.RenewDeadlineExceeded, null);
        await AdvanceUntilAsync(time, () => api.Calls.Contains("label:pod-b=standby"));

        reporter.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        // The Event went out while the label waited for its retries (before it stuck; whether before or after its second
        // failure is the scheduler's: fake time runs on while the loop is busy); the label was never given up.
        var calls = api.Calls.ToList();
        Assert.Equal(["label-failed:pod-b=standby", "label-failed:pod-b=standby", "label:pod-b=standby"], calls.Where(c => c.StartsWith("label", StringComparison.Ordinal)));
        Assert.Equal("label-failed:pod-b=standby", calls[0]);
        Assert.InRange(calls.IndexOf("event:LeadershipLost"), 1, calls.Count - 2);
        Assert.Equal(4, calls.Count);
    }

    [Fact]
    public async Task OnElected_DemotionFails_RetriedUntilDoneAndOnlyThenLabelsItselfLeader()
    {
        var api = new RecordingPodApi();
        api.LabelFailuresByPod["pod-a"] = 3;
        var time = new FakeTimeProvider();
        var reporter = Reporter(api, ElectorMode.Label, podUid: "uid-b", time);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));

        reporter.OnElected(Term, previousHolder: "pod-a");
        await AdvanceUntilAsync(time, () => api.Calls.Contains("label:pod-b=leader"));

        reporter.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        var labels = api.Calls.Where(c => c.StartsWith("label", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["label-failed:pod-a=standby", "label-failed:pod-a=standby", "label-failed:pod-a=standby", "label:pod-a=standby", "label:pod-b=leader"],
            labels);
        Assert.Contains("event:LeaderElected", api.Calls);
    }

    [Fact]
    public async Task OnElected_PreviousHolderGone_LabelsItselfLeader()
    {
        var api = new RecordingPodApi();
        api.MissingPods.Add("pod-a");
        var reporter = Reporter(api, ElectorMode.Label, podUid: "uid-b");

        reporter.OnElected(Term, previousHolder: "pod-a");
        await DrainAsync(reporter);

        Assert.Equal(["label-missing:pod-a=standby", "label:pod-b=leader", "event:LeaderElected"], api.Calls);
    }

    [Fact]
    public async Task OnLost_DemotionStillPending_DropsItAndTheLeaderLabel()
    {
        var api = new RecordingPodApi();
        api.LabelFailuresByPod["pod-a"] = 1000;
        var time = new FakeTimeProvider();
        var reporter = Reporter(api, ElectorMode.Label, podUid: "uid-b", time);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => reporter.RunAsync(stop.Token));
        reporter.OnElected(Term, previousHolder: "pod-a");
        await AdvanceUntilAsync(time, () => api.Calls.Count(c => c == "label-failed:pod-a=standby") >= 2);

        reporter.OnLost(LeadershipLossReason.LeaseTaken, "pod-c");
        await AdvanceUntilAsync(time, () => api.Calls.Contains("label:pod-b=standby"));

        reporter.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("label:pod-b=leader", api.Calls);
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(2);
        }

        Assert.True(condition(), "not reached within 200 s of fake time");
    }

    private static LeadershipReporter Reporter(RecordingPodApi api, ElectorMode mode, string? podUid, TimeProvider? time = null) =>
        new(api, "shop", "pod-b", podUid, "shop/web", "web", mode, time ?? TimeProvider.System, TimeSpan.FromMilliseconds(500), new ElectorMetrics(), NullLogger.Instance);

    private static async Task DrainAsync(LeadershipReporter reporter)
    {
        reporter.Complete();
        await reporter.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
