using System.Buffers;
using System.Text;
using System.Text.Json;
using SingleActive.Contract;
using SingleActive.Core.Build;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The <c>single-active.io/status</c> annotation: what was injected, readable in <c>kubectl describe pod</c>.
/// Its presence makes re-invocation a no-op.
/// </summary>
/// <param name="App">The container taken for the app (whose readinessProbe leadership follows); null when the pod has none.</param>
/// <param name="PreviousServiceAccount">The account the pod was switched away from (<c>default</c>); null when it kept its own.</param>
/// <param name="SidecarReason">Why the elector has its form (<see cref="SidecarChoice.Reason"/>), e.g. "auto: oldest node kubelet 1.28 (…)".</param>
public sealed record InjectionStatus(
    string Version, string Lease, bool NativeSidecar, ElectorMode Mode, string ServiceAccount, int Port,
    string? App = null, string? PreviousServiceAccount = null, string? SidecarReason = null)
{
    /// <summary>The injector's version: the product's (<see cref="BuildVersion"/>), without the commit, so goldens change only when the version is raised.</summary>
    public static readonly string InjectorVersion = BuildVersion.Current.Version;

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
            if (SidecarReason is not null)
            {
                writer.WriteString("sidecarReason", SidecarReason);
            }

            writer.WriteString("mode", ElectorModes.Format(Mode));
            writer.WriteString("serviceAccount", ServiceAccount);
            writer.WriteNumber("port", Port);
            if (App is not null)
            {
                writer.WriteString("app", App);
            }

            if (PreviousServiceAccount is not null)
            {
                writer.WriteString("previousServiceAccount", PreviousServiceAccount);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
