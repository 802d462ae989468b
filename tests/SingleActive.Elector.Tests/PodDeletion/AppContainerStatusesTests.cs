using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Tests.PodDeletion;

/// <summary>Whether the app containers run, as the kubelet writes it into the pod's status.</summary>
public sealed class AppContainerStatusesTests
{
    private const string Spec = "\"spec\":{\"containers\":[{\"name\":\"app\"},{\"name\":\"single-active-elector\"}]}";

    [Theory]
    [InlineData("""{"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-12-01T03:00:00Z"}}}""", null)]
    [InlineData("""{"name":"app","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 40s"}}}""", "container app is not running: waiting (CrashLoopBackOff)")]
    [InlineData("""{"name":"app","ready":false,"state":{"waiting":{"reason":"ImagePullBackOff"}}}""", "container app is not running: waiting (ImagePullBackOff)")]
    [InlineData("""{"name":"app","ready":false,"state":{"terminated":{"exitCode":137,"reason":"OOMKilled"}}}""", "container app is not running: terminated (OOMKilled, exit code 137)")]
    [InlineData("""{"name":"app","ready":false,"state":{"terminated":{"exitCode":1}}}""", "container app is not running: terminated (exit code 1)")]
    [InlineData("""{"name":"app","state":{"waiting":{}}}""", "container app is not running: waiting")]
    [InlineData("""{"name":"app","ready":false}""", "container app is not running: no state reported")]
    public void Read_AppContainerState_SaysWhyItDoesNotRun(string appStatus, string? expected)
    {
        var pod = Pod($$$"""{{{Spec}}},"status":{"containerStatuses":[{{{appStatus}}},{"name":"single-active-elector","ready":false}]}""");

        Assert.Equal(expected, AppContainerStatuses.Read(pod)!.NotRunning);
        Assert.Equal(expected, KubernetesOwnPodStore.ToSnapshot(pod, removed: false).AppContainers!.NotRunning);
    }

    /// <summary>
    /// Running is what counts, not ready: a probe the elector cannot run may pass only on the leader, and a restarted
    /// kubelet reports every probed container not ready until it probes again.
    /// </summary>
    [Fact]
    public void Read_RunningButNotReady_Runs()
    {
        var pod = Pod(Spec + ""","status":{"containerStatuses":[{"name":"app","ready":false,"started":true,"state":{"running":{}}}]}""");

        Assert.Same(AppContainersView.AllRunning, AppContainerStatuses.Read(pod));
    }

    /// <summary>The elector's own state is never an app container's verdict, in either form.</summary>
    [Theory]
    [InlineData(
        """{"containers":[{"name":"app"},{"name":"single-active-elector"}]}""",
        """{"containerStatuses":[{"name":"app","state":{"running":{}}},{"name":"single-active-elector","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""")]
    [InlineData(
        """{"initContainers":[{"name":"single-active-elector","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""",
        """{"containerStatuses":[{"name":"app","state":{"running":{}}}],"initContainerStatuses":[{"name":"single-active-elector","state":{"waiting":{}}}]}""")]
    public void Read_ElectorNotRunning_NotCounted(string spec, string status) =>
        Assert.Null(AppContainerStatuses.Read(Pod("\"spec\":" + spec + ",\"status\":" + status))!.NotRunning);

    [Fact]
    public void Read_NoStatusForAnAppContainerYet_NotStarted()
    {
        var pod = Pod($$$"""{{{Spec}}},"status":{"initContainerStatuses":[{"name":"single-active-elector","ready":false}]}""");

        Assert.Equal("container app has not started yet", AppContainerStatuses.Read(pod)!.NotRunning);
    }

    /// <summary>A native sidecar (a mesh proxy in initContainers with restartPolicy Always) counts; a plain init container, done before, does not.</summary>
    [Fact]
    public void Read_NativeSidecarCrashLooping_NamesIt()
    {
        var pod = Pod("""
            "spec":{"initContainers":[{"name":"setup"},{"name":"istio-proxy","restartPolicy":"Always"},{"name":"single-active-elector","restartPolicy":"Always"}],
                    "containers":[{"name":"app"}]},
            "status":{"initContainerStatuses":[{"name":"setup","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                                               {"name":"istio-proxy","state":{"waiting":{"reason":"CrashLoopBackOff"}}},
                                               {"name":"single-active-elector","state":{"running":{}}}],
                      "containerStatuses":[{"name":"app","state":{"running":{}}}]}
            """);

        Assert.Equal("container istio-proxy is not running: waiting (CrashLoopBackOff)", AppContainerStatuses.Read(pod)!.NotRunning);
    }

    /// <summary>A Job's container that finished its work (exit 0, restartPolicy OnFailure or Never) has not failed; under Always it will be restarted.</summary>
    [Theory]
    [InlineData("Never", null, "container app has finished (exit code 0)")]
    [InlineData("OnFailure", null, "container app has finished (exit code 0)")]
    [InlineData("Always", "container app is not running: terminated (Completed, exit code 0)", null)]
    public void Read_ExitedZero_FinishedOnlyWhereThePodRunsToCompletion(string restartPolicy, string? notRunning, string? finished)
    {
        var pod = Pod("\"spec\":{\"restartPolicy\":\"" + restartPolicy + """
            ","containers":[{"name":"app"}]},
            "status":{"containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}
            """);

        var view = AppContainerStatuses.Read(pod)!;
        Assert.Equal(notRunning, view.NotRunning);
        Assert.Equal(finished, view.Finished);
    }

    /// <summary>A Job's pod finishing: the kubelet stops the native sidecars (a mesh proxy) once the app is done; that is part of finishing.</summary>
    [Fact]
    public void Read_NativeSidecarStoppedAfterTheJobFinished_Finished()
    {
        var pod = Pod("""
            "spec":{"restartPolicy":"Never","initContainers":[{"name":"single-active-elector","restartPolicy":"Always"},{"name":"istio-proxy","restartPolicy":"Always"}],
                    "containers":[{"name":"app"}]},
            "status":{"initContainerStatuses":[{"name":"single-active-elector","state":{"running":{}}},{"name":"istio-proxy","state":{"terminated":{"exitCode":0}}}],
                      "containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}
            """);

        Assert.Equal(new AppContainersView(null, null, "container app has finished (exit code 0)"), AppContainerStatuses.Read(pod));
    }

    /// <summary>A container that restarted: when its present run started (the latest of several), for the restart hold.</summary>
    [Fact]
    public void Read_RestartedContainers_LatestRunStart()
    {
        var pod = Pod("""
            "spec":{"containers":[{"name":"app"},{"name":"worker"},{"name":"fresh"}]},
            "status":{"containerStatuses":[
              {"name":"app","restartCount":3,"state":{"running":{"startedAt":"2026-12-01T03:00:05Z"}}},
              {"name":"worker","restartCount":1,"state":{"running":{"startedAt":"2026-12-01T03:00:09Z"}}},
              {"name":"fresh","restartCount":0,"state":{"running":{"startedAt":"2026-12-01T03:00:30Z"}}}]}
            """);

        Assert.Equal(new AppContainersView(null, new DateTimeOffset(2026, 12, 1, 3, 0, 9, TimeSpan.Zero)), AppContainerStatuses.Read(pod));
    }

    [Fact]
    public void Read_NoSpec_Null() =>
        Assert.Null(AppContainerStatuses.Read(Pod("\"metadata\":{\"uid\":\"0b1e\"}")));

    private static JsonObject Pod(string members) => (JsonObject)JsonNode.Parse("{" + members + "}")!;
}
