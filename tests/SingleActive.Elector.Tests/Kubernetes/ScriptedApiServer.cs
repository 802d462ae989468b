using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

/// <summary>
/// A plain-HTTP stand-in for the API server on loopback. For each request the script returns the
/// answer, or <c>null</c> to accept and never answer (a silently dead connection); it is told which
/// connection the request came on, so a test can wedge one connection and serve the next.
/// </summary>
public sealed class ScriptedApiServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, ScriptedApiServer.Request, Answer?> script;
    private readonly ConcurrentBag<Socket> accepted = [];
    private readonly CancellationTokenSource closing = new();
    private int connections;

    public ScriptedApiServer(Func<int, Request, Answer?> script)
    {
        this.script = script;
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        _ = Task.Run(AcceptAsync);
    }

    public Uri Address { get; }

    public int Connections => Volatile.Read(ref connections);

    public ConcurrentQueue<Request> Requests { get; } = new();

    public KubeApiClient Client(TimeSpan callTimeout) =>
        new(new ClusterConnection(Address, null, skipTlsVerify: false, token: "t", tokenFile: null, clientCertificate: null), callTimeout: callTimeout);

    public void Dispose()
    {
        closing.Cancel();
        listener.Stop();
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }

        closing.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync();
                accepted.Add(socket);
                var index = Interlocked.Increment(ref connections) - 1;
                _ = Task.Run(() => ServeAsync(socket, index));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket, int index)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            while (await ReadRequestAsync(stream) is { } request)
            {
                Requests.Enqueue(request);
                if (script(index, request) is not { } answer)
                {
                    await Task.Delay(Timeout.Infinite, closing.Token);
                    return;
                }

                var head = answer.StreamThenSilence
                    ? $"HTTP/1.1 {answer.Status} X\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    : $"HTTP/1.1 {answer.Status} X\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(answer.Body)}\r\n\r\n{answer.Body}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(head), closing.Token);
                if (answer.StreamThenSilence)
                {
                    await Task.Delay(Timeout.Infinite, closing.Token);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client closed the connection, or the server stopped.
        }
    }

    private static async Task<Request?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var start = lines[0].Split(' ');
        var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return new Request(start[0], start[1], Encoding.UTF8.GetString(body));
    }

    public sealed record Request(string Method, string Path, string Body);

    /// <param name="StreamThenSilence">Send the headers of a streamed (watch) answer, then nothing.</param>
    public sealed record Answer(int Status, string Body, bool StreamThenSilence = false);
}
