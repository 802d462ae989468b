using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Elector.Http;

namespace SingleActive.Elector.Tests.Http;

public sealed class ElectorHttpServerTests
{
    [Theory]
    [InlineData("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/readyz")]
    [InlineData("GET /status?pretty=1 HTTP/1.0\r\n\r\n", "GET", "/status")]
    [InlineData("HEAD /healthz HTTP/1.1\r\n\r\n", "HEAD", "/healthz")]
    public void ParseRequestLine_ValidRequest_ReturnsMethodAndPath(string request, string method, string path)
    {
        var parsed = ElectorHttpServer.ParseRequestLine(Encoding.ASCII.GetBytes(request));

        Assert.Equal((method, path), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello\r\n\r\n")]
    [InlineData("GET readyz HTTP/1.1\r\n\r\n")]
    [InlineData("GET /readyz SPDY/3\r\n\r\n")]
    public void ParseRequestLine_NotHttp_ReturnsNull(string request) =>
        Assert.Null(ElectorHttpServer.ParseRequestLine(Encoding.ASCII.GetBytes(request)));

    [Fact]
    public async Task Get_KnownPath_AnswersWithTheHandlersResultAndCloses()
    {
        await using var server = Start(path => path == "/readyz" ? HttpResult.Text(503, "not leading\n") : HttpResult.Text(404, "no\n"));
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/readyz"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not leading\n", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.ConnectionClose);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_AnyPath_IsMethodNotAllowed()
    {
        await using var server = Start(_ => HttpResult.Text(200, "ok\n"));
        using var client = new HttpClient();

        using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{server.Port}/readyz"), new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Garbage_IsBadRequest()
    {
        await using var server = Start(_ => HttpResult.Text(200, "ok\n"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);

        await socket.SendAsync(Encoding.ASCII.GetBytes("\x16\x03\x01 not http\r\n\r\n"));
        var buffer = new byte[256];
        var read = await socket.ReceiveAsync(buffer);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyClients_AllAnswered()
    {
        await using var server = Start(_ => HttpResult.Text(200, "ok\n"));
        using var client = new HttpClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetStringAsync(new Uri($"http://127.0.0.1:{server.Port}/healthz"))));

        Assert.All(answers, a => Assert.Equal("ok\n", a));
    }

    /// <summary>The default bind: the kubelet probes the pod's primary IP, IPv6 on IPv6-only and IPv6-primary clusters.</summary>
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Default_DualStack_AnswersOnIPv4AndIPv6(string address)
    {
        await using var server = new ElectorHttpServer(IPAddress.IPv6Any, 0, _ => HttpResult.Text(200, "ok\n"), NullLogger.Instance);
        server.Start();
        using var client = new HttpClient();

        var answer = await client.GetStringAsync(new Uri($"http://{(address.Contains(':', StringComparison.Ordinal) ? "[" + address + "]" : address)}:{server.Port}/healthz"));

        Assert.Equal("ok\n", answer);
    }

    private static ElectorHttpServer Start(Func<string, HttpResult> handle)
    {
        var server = new ElectorHttpServer(IPAddress.Loopback, 0, handle, NullLogger.Instance);
        server.Start();
        return server;
    }
}
