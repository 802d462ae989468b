using System.Collections.Concurrent;
using System.Text.Json;
using k8s;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The JSON render adds (<see cref="RenderedJson"/>: the elector container, the status URL variable, the token
/// volume), per distinct render inputs. Each is a function of the settings, the injector's options and the app probe
/// alone (<see cref="ElectorContainer.Create"/>, <see cref="PodRenderer.Plan"/>), so every replica of a workload gets
/// the same: serialized (through KubernetesClient's contract) for the first and reused for the rest. One per
/// <see cref="PodInjector"/>, whose options are fixed; bounded: emptied when full, then refilled.
/// </summary>
public sealed class RenderedJsonCache
{
    public const int Capacity = 1024;
    private readonly ConcurrentDictionary<(InjectionSettings Settings, string? AppProbe), RenderedJson> json = new();

    public int Count => this.json.Count;

    /// <summary><paramref name="edits"/> must be what render made from <paramref name="settings"/> and <paramref name="appProbe"/>.</summary>
    public RenderedJson Get(InjectionSettings settings, string? appProbe, PodEdits edits)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(edits);
        var key = (settings, appProbe);
        if (this.json.TryGetValue(key, out var json))
        {
            return json;
        }

        if (this.json.Count >= Capacity)
        {
            this.json.Clear();
        }

        json = new RenderedJson(
            JsonSerializer.SerializeToUtf8Bytes(edits.Elector, SourceGenerationContext.Default.V1Container),
            JsonSerializer.SerializeToUtf8Bytes(edits.StatusUrl, SourceGenerationContext.Default.V1EnvVar),
            JsonSerializer.SerializeToUtf8Bytes(edits.TokenVolume, SourceGenerationContext.Default.V1Volume));
        this.json[key] = json;
        return json;
    }
}
