using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using k8s;
using SingleActive.Kube.ApiConnection;

namespace SingleActive.Webhook.Tests.Kube.ApiConnection;

/// <summary>API servers that never give an answer, for the paths where the Kubernetes API fails.</summary>
public static class UnreachableApi
{
    /// <summary>A connection to a loopback port nothing listens on: every call is refused at once.</summary>
    public static ClusterConnection Refusing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return ConnectionTo(closedPort);
    }

    /// <summary>A listener that accepts connections and never answers; disposing closes it and them.</summary>
    public static Silent StartSilent() => new();

    private static ClusterConnection ConnectionTo(int port) => ClusterConnection.FromClient(
        new Kubernetes(new KubernetesClientConfiguration { Host = $"https://127.0.0.1:{port}", SkipTlsVerify = true, AccessToken = "t" }),
        "test");

    public sealed class Silent : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentBag<Socket> accepted = [];

        internal Silent()
        {
            this.listener.Start();
            Connection = ConnectionTo(((IPEndPoint)this.listener.LocalEndpoint).Port);
            _ = Task.Run(AcceptAsync);
        }

        public ClusterConnection Connection { get; }

        public void Dispose()
        {
            Connection.Dispose();
            this.listener.Stop();
            foreach (var socket in accepted)
            {
                socket.Dispose();
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    accepted.Add(await this.listener.AcceptSocketAsync());
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
