using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class KubeApiClientTests
{
    // Long enough that an answering server always makes it on a busy 2-core machine (300 ms flaked).
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    // Far above the call timeout: a call that is still running then has no deadline at all.
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task GetAsync_ServerAcceptsAndNeverAnswers_FailsAtTheCallTimeout()
    {
        using var server = new ScriptedApiServer((_, _) => null);
        using var api = server.Client(CallTimeout);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => api.GetAsync("api/v1/namespaces/shop/pods/web-0", CancellationToken.None).WaitAsync(TestLimit));

        Assert.Contains("no answer from the API server within 2s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetRoleLabelAsync_ServerAcceptsAndNeverAnswers_FailsAtTheCallTimeout()
    {
        using var server = new ScriptedApiServer((_, _) => null);
        using var api = server.Client(CallTimeout);
        var pods = new KubernetesPodApi(api, "shop");

        var e = await Assert.ThrowsAsync<TimeoutException>(() => pods.SetRoleLabelAsync("web-0", "leader", CancellationToken.None).WaitAsync(TestLimit));

        Assert.Contains("PATCH", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_FirstConnectionHangs_NextCallGetsAFreshConnection()
    {
        using var server = new ScriptedApiServer((connection, _) => connection == 0 ? null : new ScriptedApiServer.Answer(200, """{"kind":"Lease"}"""));
        using var api = server.Client(CallTimeout);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => api.GetAsync("apis/coordination.k8s.io/v1/namespaces/shop/leases/web", CancellationToken.None).WaitAsync(TestLimit));
        var lease = await api.GetAsync("apis/coordination.k8s.io/v1/namespaces/shop/leases/web", CancellationToken.None).WaitAsync(TestLimit);

        Assert.Contains("no answer", e.Message, StringComparison.Ordinal);
        Assert.Equal("Lease", (string?)lease!["kind"]);
        Assert.Equal(2, server.Connections);
    }

    /// <summary>
    /// Two pooled connections both freeze (a partition, a proxy that stopped forwarding): after the first
    /// call times out on one, the next must not try the other idle one (another whole deadline) but a new one.
    /// </summary>
    [Fact]
    public async Task GetAsync_EveryPooledConnectionFreezes_AfterOneTimeoutTheNextCallOpensANewConnection()
    {
        var frozen = 0;
        using var bothSent = new CountdownEvent(2); // Neither is answered before the other is sent: two connections even on a loaded machine.
        using var server = new ScriptedApiServer((connection, _) =>
        {
            if (Volatile.Read(ref frozen) == 1)
            {
                return connection < 2 ? null : new ScriptedApiServer.Answer(200, """{"kind":"Lease"}""");
            }

            bothSent.Signal();
            bothSent.Wait(CallTimeout / 2); // Bounded below the call timeout: a blocked pool thread never makes the first call fail.
            return new ScriptedApiServer.Answer(200, """{"kind":"Lease"}""");
        });
        using var api = server.Client(CallTimeout);
        const string Path = "apis/coordination.k8s.io/v1/namespaces/shop/leases/web";

        // Two calls at once: two connections in the pool, then both stop answering.
        await Task.WhenAll(api.GetAsync(Path, CancellationToken.None), api.GetAsync(Path, CancellationToken.None)).WaitAsync(TestLimit);
        Assert.Equal(2, server.Connections);
        Volatile.Write(ref frozen, 1);
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // a pool is replaced at most once a second

        await Assert.ThrowsAsync<TimeoutException>(() => api.GetAsync(Path, CancellationToken.None).WaitAsync(TestLimit));
        var lease = await api.GetAsync(Path, CancellationToken.None).WaitAsync(TestLimit); // without the new pool: TimeoutException

        Assert.Equal("Lease", (string?)lease!["kind"]);
        Assert.Equal(3, server.Connections);
        Assert.Equal(1, api.PoolReplacements);
    }

    [Fact]
    public async Task SendJsonAsync_CallerCancels_IsACancellationNotATimeout()
    {
        using var server = new ScriptedApiServer((_, _) => null);
        using var api = server.Client(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.SendJsonAsync(HttpMethod.Post, "api/v1/namespaces/shop/events", new JsonObject(), "application/json", cancel.Token).WaitAsync(TestLimit));
    }
}
