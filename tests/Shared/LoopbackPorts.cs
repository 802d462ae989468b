using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SingleActive.Tests.Shared;

/// <summary>
/// Free loopback ports for processes that bind them later (the webhook, electors), each handed out once per run. Taken
/// from below the kernel's range for outgoing connections (<c>net.ipv4.ip_local_port_range</c>): a port from that range
/// (what binding port 0 gives) can be taken by any connection the run opens between the probe and the process's own
/// bind, which then fails with "address already in use". Below it only a listener takes a port. Shared by the end-to-end
/// tests and the bench; once per run, because two processes given one port answer each other's requests (two electors
/// answered each other's /readyz in a bench run of 2026-12-01).
/// </summary>
internal static class LoopbackPorts
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();
    private static readonly int EphemeralLow = ReadEphemeralLow();

    public static int Reserve()
    {
        lock (Gate)
        {
            var low = Math.Max(1024, EphemeralLow - 10_000);
            while (true)
            {
                var port = low < EphemeralLow ? Random.Shared.Next(low, EphemeralLow) : Probe();
                if (!HandedOut.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Someone listens there: another one.
                }
            }
        }
    }

    /// <summary>A port the kernel finds free (for a range that leaves nothing below it).</summary>
    private static int Probe()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of the kernel's range for outgoing connections (Linux's default 32768 elsewhere).</summary>
    private static int ReadEphemeralLow()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) && int.TryParse(File.ReadAllText(Range).Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            ? low
            : 32768;
    }
}
