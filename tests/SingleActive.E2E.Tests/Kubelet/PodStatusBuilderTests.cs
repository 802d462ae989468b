using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>The pod phase and status the test double reports, as a kubelet computes them.</summary>
public sealed class PodStatusBuilderTests
{
    private static readonly DateTime Start = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    /// <param name="app">"running", "waiting", or an exit code.</param>
    /// <param name="sidecar">"running", "none", or an exit code of the native sidecar.</param>
    [Theory]
    [InlineData("Never", "running", "running", "Running")]
    [InlineData("Never", "waiting", "running", "Running")]
    [InlineData("Never", "0", "running", "Running")]
    [InlineData("Never", "0", "0", "Succeeded")]
    [InlineData("Never", "0", "143", "Succeeded")]
    [InlineData("Never", "0", "none", "Succeeded")]
    [InlineData("Never", "1", "0", "Failed")]
    [InlineData("OnFailure", "1", "0", "Running")]
    [InlineData("OnFailure", "0", "0", "Succeeded")]
    [InlineData("Always", "0", "0", "Running")]
    [InlineData(null, "0", "none", "Running")]
    public void Phase_ContainerStates_AsTheKubeletsGetPhase(string? restartPolicy, string app, string sidecar, string expected)
    {
        var containers = new List<PodContainer>();
        if (sidecar != "none")
        {
            containers.Add(Container("elector", isInit: true, sidecar));
        }

        containers.Add(Container("app", isInit: false, app));
        Assert.Equal(expected, PodStatusBuilder.Phase(containers, restartPolicy));
    }

    [Fact]
    public void Build_Succeeded_NotReadyPodCompletedAndTerminatedStatuses()
    {
        var containers = new List<PodContainer> { Container("elector", isInit: true, "0"), Container("app", isInit: false, "0") };
        var status = PodStatusBuilder.Build(containers, PodStatusBuilder.Succeeded, new PodAddresses(["fd5a:5a:0:1::9"], "fd5a:5a:0:1::1"), Start, Start, terminating: false);

        Assert.Equal("Succeeded", status.Phase);
        Assert.All(status.Conditions.Where(c => c.Type is "Ready" or "ContainersReady"), c => Assert.Equal(("False", "PodCompleted"), (c.Status, c.Reason)));
        var app = status.ContainerStatuses.Single().State.Terminated;
        Assert.Equal((0, "Completed", Start.AddSeconds(2)), (app.ExitCode, app.Reason, app.FinishedAt!.Value));
        Assert.NotNull(status.InitContainerStatuses.Single().State.Terminated);
        Assert.False(status.ContainerStatuses.Single().Ready);
    }

    private static PodContainer Container(string name, bool isInit, string state)
    {
        var container = new PodContainer(new V1Container { Name = name }, isInit, isNativeSidecar: isInit, executable: "/bin/sh");
        if (state == "running")
        {
            container.Running = true;
            container.StartedAt = Start;
        }
        else if (state != "waiting")
        {
            container.StartedAt = Start;
            container.LastExitCode = int.Parse(state, System.Globalization.CultureInfo.InvariantCulture);
            container.FinishedAt = Start.AddSeconds(2);
            container.Done = true;
        }

        return container;
    }
}
