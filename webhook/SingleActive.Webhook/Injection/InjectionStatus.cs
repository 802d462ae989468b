using System.Buffers;
using System.Text;
using System.Text.Json;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The <c>single-active.io/status</c> annotation: what was injected, readable in <c>kubectl describe pod</c>.
/// Its presence makes re-invocation a no-op.
/// </summary>
public sealed record InjectionStatus(string Version, string Lease, bool NativeSidecar, ElectorMode Mode, string ServiceAccount, int Port)
{
    /// <summary>The injector's version: the webhook assembly's, without build metadata so goldens stay stable.</summary>
    public static readonly string InjectorVersion =
        typeof(InjectionStatus).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public string Sidecar => NativeSidecar ? "native" : "container";

    /// <summary>Compact JSON; written by hand so NativeAOT needs no serializer metadata.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(192);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", Version);
            writer.WriteString("lease", Lease);
            writer.WriteString("sidecar", Sidecar);
            writer.WriteString("mode", ElectorModes.Format(Mode));
            writer.WriteString("serviceAccount", ServiceAccount);
            writer.WriteNumber("port", Port);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
