using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SingleActive.Tests.Shared;

/// <summary>
/// Free loopback ports for processes that bind them later (the webhook, electors), each handed out once per run, from
/// 10000-19999: below the kernel's range for outgoing connections (<c>net.ipv4.ip_local_port_range</c>, 32768-60999 by
/// default), where any connection the run opens can take a port between the probe and the process's own bind (binding
/// port 0 gives one from there: "address already in use"), and below the range tests/envtest/control-plane.sh takes its
/// servers' ports from (20000-31999), which it probes and binds seconds later too. bench/free-port.sh takes the same
/// range. Shared by the end-to-end tests and the bench; once per run, because two processes given one port answer each
/// other's requests (two electors answered each other's /readyz in a bench run of 2026-12-01).
/// </summary>
internal static class LoopbackPorts
{
    private const int First = 10_000;
    private const int End = 20_000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();
    private static readonly int EphemeralLow = ReadEphemeralLow();

    public static int Reserve()
    {
        lock (Gate)
        {
            var end = Math.Min(End, EphemeralLow);
            for (var attempt = 0; end - First >= 1_000 && attempt < 2 * (end - First); attempt++)
            {
                var port = Random.Shared.Next(First, end);
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

            // The kernel's range leaves too little below it, or this one is used up: what binding port 0 gives.
            while (true)
            {
                var port = Probe();
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>A port the kernel finds free, from its range for outgoing connections (the last resort).</summary>
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
