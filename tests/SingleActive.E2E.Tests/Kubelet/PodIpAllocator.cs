using System.Net;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Hands out pod IPs from the node's fake pod CIDR. The endpoints controller copies them into
/// Endpoints; nothing ever connects to them (they are not loopback and not routed here).
/// </summary>
public sealed class PodIpAllocator(string cidr)
{
    private readonly uint _network = ToUInt(IPAddress.Parse(cidr.Split('/')[0]));
    private readonly uint _size = 1u << (32 - int.Parse(cidr.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture));
    private uint _next = 2;
    private readonly Lock _gate = new();

    public string Next()
    {
        lock (_gate)
        {
            uint offset;
            do
            {
                offset = _next;
                _next = _next + 1 >= _size - 1 ? 2 : _next + 1;
            }
            while ((offset & 0xFF) is 0 or 255);

            var value = _network + offset;
            return $"{value >> 24}.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}";
        }
    }

    private static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}
