using Microsoft.Extensions.Logging;
using SingleActive.Core.Logging;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Logging;
using Microsoft.Extensions.Time.Testing;

namespace SingleActive.Elector.Tests.Kubernetes;

/// <summary>The start-up check that this elector may write the fence, so a missing permission is said before any failover.</summary>
public sealed class FencePermissionTests
{
    [Theory]
    [InlineData("""{"status":{"allowed":true}}""", true)]
    [InlineData("""{"status":{"allowed":false,"reason":""}}""", false)]
    public async Task CheckAsync_ApiAnswers_SaysWhetherPodsStatusMayBePatched(string answer, bool expected)
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(201, answer));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        using var log = new StringWriter();

        var allowed = await FencePermission.CheckAsync(api, "shop", new JsonLineLogger("elector", LogLevel.Information, log, new FakeTimeProvider()), CancellationToken.None);

        Assert.Equal(expected, allowed);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", request.Path);
        Assert.Contains("\"resource\":\"pods\",\"subresource\":\"status\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"namespace\":\"shop\",\"verb\":\"patch\"", request.Body, StringComparison.Ordinal);
        Assert.Equal(!expected, log.ToString().Contains("may not patch pods/status in namespace shop", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_ApiFails_CannotTell()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(500, """{"message":"etcd down"}"""));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        using var log = new StringWriter();

        var allowed = await FencePermission.CheckAsync(api, "shop", new JsonLineLogger("elector", LogLevel.Information, log, new FakeTimeProvider()), CancellationToken.None);

        Assert.Null(allowed);
        Assert.Contains("Could not check whether this elector may patch pods/status", log.ToString(), StringComparison.Ordinal);
    }
}
