using System.Net;
using System.Net.Sockets;

namespace SingleActive.E2E.Tests.Support;

/// <summary>
/// A TCP relay to one upstream address (the API server) that a test can break the way networks break.
/// <see cref="Freeze"/> is a partition: nothing is relayed any more on open or new connections, in either
/// direction, and nothing is closed either (a black hole: calls time out instead of failing fast, the hard
/// case). <see cref="FreezeOpenConnections"/> freezes only the connections open now (a dead pooled
/// connection, while a new one would work). <see cref="Thaw"/> relays again, also on the held connections
/// (a healed network); <see cref="Reset"/> closes them all.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _upstream;
    private readonly Func<AddressFamily, Socket> _upstreamSocket;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Connection> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private bool _frozen;

    /// <param name="listener">A bound, listening socket (it may belong to another network namespace); the relay owns it.</param>
    /// <param name="upstreamSocket">Creates the upstream sockets (null: in this process's namespace).</param>
    public TcpRelay(Socket listener, IPEndPoint upstream, Func<AddressFamily, Socket>? upstreamSocket = null)
    {
        _listener = listener;
        _upstream = upstream;
        _upstreamSocket = upstreamSocket ?? (family => new Socket(family, SocketType.Stream, ProtocolType.Tcp));
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>A relay listening on a free loopback port of this process's namespace.</summary>
    public static TcpRelay OnLoopback(int upstreamPort)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(128);
        return new TcpRelay(listener, new IPEndPoint(IPAddress.Loopback, upstreamPort));
    }

    public int Port { get; }

    /// <summary>How many connections are open (relayed or held).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>A partition: every connection, open or new, stops relaying; nothing is closed.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frozen = true;
            _open.ForEach(c => c.Freeze());
        }
    }

    /// <summary>Only the connections open now stop relaying (kept open); new connections work.</summary>
    public void FreezeOpenConnections()
    {
        lock (_gate)
        {
            _open.ForEach(c => c.Freeze());
        }
    }

    /// <summary>Relays again, on held connections too (what was sent meanwhile arrives now).</summary>
    public void Thaw()
    {
        lock (_gate)
        {
            _frozen = false;
            _open.ForEach(c => c.Thaw());
        }
    }

    /// <summary>Closes every open connection (both sides see the connection end); new ones relay unless frozen.</summary>
    public void Reset()
    {
        List<Connection> open;
        lock (_gate)
        {
            open = [.. _open];
        }

        open.ForEach(c => c.Close());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Thaw();
        Reset();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var connection = new Connection(client, _upstreamSocket(_upstream.AddressFamily));
        lock (_gate)
        {
            _open.Add(connection);
            if (_frozen)
            {
                connection.Freeze();
            }
        }

        try
        {
            await connection.RunAsync(_upstream, _stop.Token);
        }
        finally
        {
            connection.Close();
            lock (_gate)
            {
                _open.Remove(connection);
            }
        }
    }

    private sealed class Connection(Socket client, Socket upstream)
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _thawed = Thawed();

        public void Freeze()
        {
            lock (_gate)
            {
                if (_thawed.Task.IsCompleted)
                {
                    _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public void Thaw()
        {
            lock (_gate)
            {
                _thawed.TrySetResult();
            }
        }

        public void Close()
        {
            Thaw();
            client.Dispose();
            upstream.Dispose();
        }

        public async Task RunAsync(IPEndPoint target, CancellationToken cancellationToken)
        {
            try
            {
                await WhileFrozenAsync(cancellationToken);
                await upstream.ConnectAsync(target, cancellationToken);
                await Task.WhenAll(PumpAsync(client, upstream, cancellationToken), PumpAsync(upstream, client, cancellationToken));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }

        private static TaskCompletionSource Thawed()
        {
            var thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            thawed.SetResult();
            return thawed;
        }

        private Task WhileFrozenAsync(CancellationToken cancellationToken)
        {
            Task thawed;
            lock (_gate)
            {
                thawed = _thawed.Task;
            }

            return thawed.WaitAsync(cancellationToken);
        }

        private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
        {
            var buffer = new byte[16384];
            while (true)
            {
                // Frozen: neither read (the sender's buffers fill, as on a dead link) nor deliver what was read.
                await WhileFrozenAsync(cancellationToken);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                await WhileFrozenAsync(cancellationToken);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
            }
        }
    }
}
