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
    private readonly Socket listener;
    private readonly IPEndPoint upstream;
    private readonly Func<AddressFamily, Socket> upstreamSocket;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Connection> open = [];
    private readonly Lock gate = new();
    private readonly Task accepting;
    private bool frozen;

    /// <param name="listener">A bound, listening socket (it may belong to another network namespace); the relay owns it.</param>
    /// <param name="upstreamSocket">Creates the upstream sockets (null: in this process's namespace).</param>
    public TcpRelay(Socket listener, IPEndPoint upstream, Func<AddressFamily, Socket>? upstreamSocket = null)
    {
        this.listener = listener;
        this.upstream = upstream;
        this.upstreamSocket = upstreamSocket ?? (family => new Socket(family, SocketType.Stream, ProtocolType.Tcp));
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        accepting = AcceptAsync();
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
            lock (gate)
            {
                return this.open.Count;
            }
        }
    }

    /// <summary>A partition: every connection, open or new, stops relaying; nothing is closed.</summary>
    public void Freeze()
    {
        lock (gate)
        {
            this.frozen = true;
            this.open.ForEach(c => c.Freeze());
        }
    }

    /// <summary>Only the connections open now stop relaying (kept open); new connections work.</summary>
    public void FreezeOpenConnections()
    {
        lock (gate)
        {
            this.open.ForEach(c => c.Freeze());
        }
    }

    /// <summary>Relays again, on held connections too (what was sent meanwhile arrives now).</summary>
    public void Thaw()
    {
        lock (gate)
        {
            this.frozen = false;
            this.open.ForEach(c => c.Thaw());
        }
    }

    /// <summary>Closes every open connection (both sides see the connection end); new ones relay unless frozen.</summary>
    public void Reset()
    {
        List<Connection> open;
        lock (gate)
        {
            open = [.. this.open];
        }

        open.ForEach(c => c.Close());
    }

    public async ValueTask DisposeAsync()
    {
        await this.stop.CancelAsync();
        this.listener.Dispose();
        Thaw();
        Reset();
        await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        this.stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!this.stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await this.listener.AcceptAsync(this.stop.Token);
            }
            catch (Exception) when (this.stop.IsCancellationRequested)
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
        var connection = new Connection(client, this.upstreamSocket(this.upstream.AddressFamily));
        lock (gate)
        {
            this.open.Add(connection);
            if (this.frozen)
            {
                connection.Freeze();
            }
        }

        try
        {
            await connection.RunAsync(this.upstream, this.stop.Token);
        }
        finally
        {
            connection.Close();
            lock (gate)
            {
                this.open.Remove(connection);
            }
        }
    }

    private sealed class Connection(Socket client, Socket upstream)
    {
        private readonly Lock gate = new();
        private TaskCompletionSource thawed = Thawed();

        public void Freeze()
        {
            lock (gate)
            {
                if (this.thawed.Task.IsCompleted)
                {
                    this.thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public void Thaw()
        {
            lock (gate)
            {
                this.thawed.TrySetResult();
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
            lock (gate)
            {
                thawed = this.thawed.Task;
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
