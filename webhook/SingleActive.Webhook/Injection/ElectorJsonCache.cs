using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The elector container's JSON, per distinct render inputs. <see cref="ElectorContainer.Create"/> is a function
/// of the settings, the injector's options and the app probe alone, so every replica of a workload gets the
/// same container: it is serialized (through KubernetesClient's contract) for the first and reused for the rest.
/// One per <see cref="PodInjector"/>, whose options are fixed; bounded: emptied when full, then refilled.
/// </summary>
public sealed class ElectorJsonCache
{
    public const int Capacity = 1024;
    private readonly ConcurrentDictionary<(InjectionSettings Settings, string? AppProbe), byte[]> json = new();

    public int Count => this.json.Count;

    /// <summary><paramref name="elector"/> must be what render made from <paramref name="settings"/> and <paramref name="appProbe"/>.</summary>
    public byte[] Get(InjectionSettings settings, string? appProbe, V1Container elector)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(elector);
        var key = (settings, appProbe);
        if (this.json.TryGetValue(key, out var json))
        {
            return json;
        }

        if (this.json.Count >= Capacity)
        {
            this.json.Clear();
        }

        json = JsonSerializer.SerializeToUtf8Bytes(elector, SourceGenerationContext.Default.V1Container);
        this.json[key] = json;
        return json;
    }
}
