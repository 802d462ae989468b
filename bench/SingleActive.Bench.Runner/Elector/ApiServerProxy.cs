using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SingleActive.Bench.Runner.Elector;

/// <summary>
/// A TCP proxy between one elector and the API server that the benchmark can cut. A cut is a
/// black hole, the nastier kind of partition: established connections stay open but carry nothing
/// and new ones are accepted and never answered, so the elector's requests hang until its own
/// timeouts fire (a refused connection would fail fast and flatter the elector).
/// </summary>
public sealed class ApiServerProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint upstream;
    private readonly ConcurrentDictionary<Socket, byte> sockets = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;
    private volatile bool cut;

    public ApiServerProxy(IPEndPoint upstream)
    {
        this.upstream = upstream;
        listener.Start();
        acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public bool IsCut => cut;

    public void Cut() => cut = true;

    /// <summary>Ends the black hole: every connection is closed so the client reconnects through a working path.</summary>
    public void Restore()
    {
        cut = false;
        CloseAll();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        CloseAll();
        try
        {
            await acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private void CloseAll()
    {
        foreach (var socket in sockets.Keys)
        {
            sockets.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            sockets[client] = 0;
            if (cut)
            {
                continue; // held open, never answered
            }

            _ = ConnectAndPipeAsync(client);
        }
    }

    private async Task ConnectAndPipeAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        sockets[server] = 0;
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(upstream, stop.Token).ConfigureAwait(false);
            await Task.WhenAny(PipeAsync(client, server), PipeAsync(server, client)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            if (!cut)
            {
                // A connection that ended by itself closes both sides; during a cut they stay open.
                sockets.TryRemove(client, out _);
                sockets.TryRemove(server, out _);
                client.Dispose();
                server.Dispose();
            }
        }
    }

    private async Task PipeAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await from.ReceiveAsync(buffer, SocketFlags.None, stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            if (cut)
            {
                continue; // swallowed: the partition drops everything in flight
            }

            try
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
        }
    }
}
