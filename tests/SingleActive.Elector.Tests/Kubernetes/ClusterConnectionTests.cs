using System.Net;
using System.Net.Sockets;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class ClusterConnectionTests
{
    [Fact]
    public async Task ConnectAsync_EveryApiConnection_HasTcpKeepAlive()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        await using var stream = await ClusterConnection.ConnectAsync(new DnsEndPoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None);

        var socket = Assert.IsType<NetworkStream>(stream).Socket;
        Assert.NotEqual(0, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(15, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(5, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(3, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
    }
}
