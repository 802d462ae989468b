using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using SingleActive.Elector.Logging;

namespace SingleActive.Elector.Http;

/// <summary>
/// A minimal HTTP/1.1 server for probes and scrapes: GET (and HEAD) only, one request per
/// connection (<c>Connection: close</c>). ASP.NET Core would triple the sidecar's memory for four
/// read-only endpoints that the kubelet calls once a second.
/// </summary>
public sealed class ElectorHttpServer : IAsyncDisposable
{
    private const int MaxRequestHeadBytes = 8192;
    private static readonly TimeSpan RequestReadTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket listener;
    private readonly Func<string, HttpResult> handle;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private Task? acceptLoop;

    public ElectorHttpServer(IPAddress address, int port, Func<string, HttpResult> handle, ILogger logger)
    {
        this.handle = handle;
        this.logger = logger;
        listener = Listen(address, port);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Listens on <paramref name="address"/>. <see cref="IPAddress.IPv6Any"/> (the default) means every address of
    /// the pod, IPv6 and IPv4 alike: one dual-mode socket, since the kubelet probes the pod's primary IP, which is
    /// IPv6 on IPv6-only and IPv6-primary dual-stack clusters. Where the host has no IPv6 (disabled in the kernel,
    /// or a pod network namespace without it), the IPv4 wildcard instead.
    /// </summary>
    private static Socket Listen(IPAddress address, int port)
    {
        if (address.Equals(IPAddress.IPv6Any))
        {
            try
            {
                return Bound(new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }, address, port);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable or SocketError.ProtocolNotSupported)
            {
                address = IPAddress.Any;
            }
        }

        return Bound(new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp), address, port);
    }

    private static Socket Bound(Socket socket, IPAddress address, int port)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(64);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The bound port (useful when 0 asked the kernel for a free one).</summary>
    public int Port { get; }

    public void Start() => acceptLoop = AcceptLoopAsync(stopping.Token);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        if (acceptLoop is not null)
        {
            await acceptLoop.ConfigureAwait(false);
        }

        stopping.Dispose();
    }

    /// <summary>Parses the request line of a request head; <c>null</c> when it is not HTTP.</summary>
    public static (string Method, string Path)? ParseRequestLine(ReadOnlySpan<byte> head)
    {
        var end = head.IndexOf("\r\n"u8);
        var line = Encoding.ASCII.GetString(end < 0 ? head : head[..end]);
        var parts = line.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[1].Length == 0 || parts[1][0] != '/')
        {
            return null;
        }

        var path = parts[1];
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return (parts[0], query < 0 ? path : path[..query]);
    }

    private async Task AcceptLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.HttpConnectionFailed(logger, ErrorText.Of(e));
                continue;
            }

            _ = ServeAsync(connection, stop);
        }
    }

    private async Task ServeAsync(Socket connection, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestHeadBytes);
        try
        {
            using (connection)
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                timeout.CancelAfter(RequestReadTimeout);
                var length = 0;
                while (length < MaxRequestHeadBytes && buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
                {
                    var read = await connection.ReceiveAsync(buffer.AsMemory(length, MaxRequestHeadBytes - length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }

                var request = ParseRequestLine(buffer.AsSpan(0, length));
                var result = request switch
                {
                    null => HttpResult.Text(400, "bad request\n"),
                    { Method: "GET" or "HEAD" } r => handle(r.Path),
                    _ => HttpResult.Text(405, "only GET is served\n"),
                };
                var head = string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {result.StatusCode} {Reason(result.StatusCode)}\r\nContent-Type: {result.ContentType}\r\nContent-Length: {result.Body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
                await connection.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (request?.Method != "HEAD" && result.Body.Length > 0)
                {
                    await connection.SendAsync(result.Body, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                }

                connection.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.HttpConnectionFailed(logger, ErrorText.Of(e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
