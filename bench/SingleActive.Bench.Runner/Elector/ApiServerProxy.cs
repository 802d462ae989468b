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
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private volatile bool _cut;

    public ApiServerProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool IsCut => _cut;

    public void Cut() => _cut = true;

    /// <summary>Ends the black hole: every connection is closed so the client reconnects through a working path.</summary>
    public void Restore()
    {
        _cut = false;
        CloseAll();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        CloseAll();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private void CloseAll()
    {
        foreach (var socket in _sockets.Keys)
        {
            _sockets.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _sockets[client] = 0;
            if (_cut)
            {
                continue; // held open, never answered
            }

            _ = ConnectAndPipeAsync(client);
        }
    }

    private async Task ConnectAndPipeAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _sockets[server] = 0;
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_upstream, _stop.Token).ConfigureAwait(false);
            await Task.WhenAny(PipeAsync(client, server), PipeAsync(server, client)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            if (!_cut)
            {
                // A connection that ended by itself closes both sides; during a cut they stay open.
                _sockets.TryRemove(client, out _);
                _sockets.TryRemove(server, out _);
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
                read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            if (_cut)
            {
                continue; // swallowed: the partition drops everything in flight
            }

            try
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
        }
    }
}
