using Microsoft.Extensions.Time.Testing;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Serving;
using SingleActive.Webhook.Tests.Injection;
using SingleActive.Webhook.Tests.Kube.ApiConnection;

namespace SingleActive.Webhook.Tests.Serving;

public sealed class ReadinessStateTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public void IsReady_BeforeStart_NotReady()
    {
        var state = new ReadinessState();

        Assert.Equal((false, "starting"), (state.IsReady, state.Reason));
    }

    [Fact]
    public void IsReady_NoKubernetesApi_ReadyAtStartWithoutAVersion()
    {
        var state = new ReadinessState(ClusterConnection.None, new FixedClusterVersion(null), time);

        state.MarkStarted();

        Assert.True(state.IsReady);
    }

    [Fact]
    public void IsReady_ApiConfiguredVersionUnknown_WaitsForItThenGivesUpAfterTheBound()
    {
        using var connection = UnreachableApi.Refusing();
        var version = new SettableClusterVersion();
        var state = new ReadinessState(connection, version, time);
        state.MarkStarted();

        Assert.Equal((false, "waiting for the Kubernetes API server's version"), (state.IsReady, state.Reason));
        time.Advance(ReadinessState.VersionWait - TimeSpan.FromMilliseconds(1));
        Assert.False(state.IsReady);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(state.IsReady);
    }

    [Fact]
    public void IsReady_ApiConfigured_ReadyAsSoonAsTheVersionIsKnown()
    {
        using var connection = UnreachableApi.Refusing();
        var version = new SettableClusterVersion();
        var state = new ReadinessState(connection, version, time);
        state.MarkStarted();

        version.ServerVersion = new Version(1, 29);

        Assert.True(state.IsReady);
    }

    [Fact]
    public void IsReady_Stopping_NotReadyWhateverElse()
    {
        var state = new ReadinessState();
        state.MarkStarted();

        state.MarkStopping();

        Assert.Equal((false, "shutting down"), (state.IsReady, state.Reason));
    }

    private sealed class SettableClusterVersion : IClusterVersion
    {
        public Version? ServerVersion { get; set; }

        public Version? OldestKubeletVersion { get; set; }
    }
}
