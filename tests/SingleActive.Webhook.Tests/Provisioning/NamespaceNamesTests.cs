using System.Net;
using System.Text;
using k8s;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Tests.Provisioners;

/// <summary>
/// The namespace list behind the node binding's removals, against answers made up before the network (the real API
/// server's answers are in <see cref="ProvisionerControlPlaneTests"/>): it never fails the admission, only the removal.
/// </summary>
public sealed class NamespaceNamesTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task ListAsync_ApiServerNeverAnswers_NoNamesAfterItsOwnTimeout()
    {
        using var client = Client(new Answers((_, ct) => Task.Delay(Timeout.Infinite, ct).ContinueWith<HttpResponseMessage>(_ => throw new OperationCanceledException(ct), TaskScheduler.Default)));
        var listing = new NamespaceNames(client, time, CancellationToken.None).ListAsync("single-active-elector-node");

        time.Advance(NamespaceNames.ListTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(listing.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var (names, problem) = await listing;

        Assert.Null(names);
        Assert.Equal(PruneProblem.Unavailable, problem!.Cause);
        Assert.Equal(
            "cannot list namespaces: the Kubernetes API did not answer within 2 s, so the subjects of ClusterRoleBinding single-active-elector-node whose namespace is gone are not removed this time",
            problem.Message);
    }

    [Fact]
    public async Task ListAsync_CallerCancels_Throws()
    {
        using var client = Client(new Answers((_, ct) => Task.Delay(Timeout.Infinite, ct).ContinueWith<HttpResponseMessage>(_ => throw new OperationCanceledException(ct), TaskScheduler.Default)));
        using var caller = new CancellationTokenSource();
        var listing = new NamespaceNames(client, time, caller.Token).ListAsync("single-active-elector-node");

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing);
    }

    [Fact]
    public async Task ListAsync_ServerError_NoNamesNamingTheAnswer()
    {
        using var client = Client(new Answers((request, _) => Task.FromResult(Json(request, HttpStatusCode.ServiceUnavailable, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"etcd is down","code":503}"""))));

        var (names, problem) = await new NamespaceNames(client, time, CancellationToken.None).ListAsync("single-active-elector-node");

        Assert.Null(names);
        Assert.Equal(PruneProblem.Unavailable, problem!.Cause);
        Assert.StartsWith("cannot list namespaces: the Kubernetes API answered 503 ServiceUnavailable, so the subjects of ClusterRoleBinding single-active-elector-node whose namespace is gone are not removed this time (", problem.Message, StringComparison.Ordinal);
        Assert.Contains("etcd is down", problem.Message, StringComparison.Ordinal);
    }

    /// <summary>Every page is read: the names of all of them, Terminating namespaces included.</summary>
    [Fact]
    public async Task ListAsync_SeveralPages_NamesFromEvery()
    {
        var continued = new List<string?>();
        using var client = Client(new Answers((request, _) =>
        {
            var query = request.RequestUri!.Query;
            var token = query.Contains("continue=", StringComparison.Ordinal) ? query[(query.IndexOf("continue=", StringComparison.Ordinal) + 9)..].Split('&')[0] : null;
            continued.Add(token);
            return Task.FromResult(token is null
                ? Json(request, HttpStatusCode.OK, """{"kind":"NamespaceList","apiVersion":"v1","metadata":{"continue":"page2"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}""")
                : Json(request, HttpStatusCode.OK, """{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"c"},"status":{"phase":"Terminating"}}]}"""));
        }));

        var (names, problem) = await new NamespaceNames(client, time, CancellationToken.None).ListAsync("single-active-elector-node");

        Assert.Null(problem);
        Assert.Equal(["a", "b", "c"], names!.Order(StringComparer.Ordinal));
        Assert.Equal([null, "page2"], continued);
    }

    private static Kubernetes Client(DelegatingHandler answers) =>
        new(new KubernetesClientConfiguration { Host = "https://127.0.0.1:1", AccessToken = "t", SkipTlsVerify = true }, answers);

    /// <summary>An answer as the API server gives it; the client reads the request back from it.</summary>
    private static HttpResponseMessage Json(HttpRequestMessage request, HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request };

    /// <summary>Answers every request itself; nothing reaches the network.</summary>
    private sealed class Answers(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request, cancellationToken);
    }
}
