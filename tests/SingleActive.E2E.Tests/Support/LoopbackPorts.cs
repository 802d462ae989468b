using System.Net;
using System.Net.Sockets;

namespace SingleActive.E2E.Tests.Support;

/// <summary>Free loopback ports, each handed out once per run (the webhook processes listen on these).</summary>
public static class LoopbackPorts
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Reserve()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
