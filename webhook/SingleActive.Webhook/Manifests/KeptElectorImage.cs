using System.Text.Json.Nodes;
using SingleActive.Contract;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// Offline injection leaves a pod or template that already has its elector as it is (re-running <c>inject</c> on its own
/// output changes nothing). When that elector runs another image than the one asked for, the user most likely meant
/// to upgrade it; this says that nothing was changed and how to.
/// </summary>
internal static class KeptElectorImage
{
    /// <param name="podSpec">The pod's <c>spec</c>, or the template's, as written out after injection.</param>
    /// <param name="image">The elector image of this run (<c>--image</c>, else <c>SINGLE_ACTIVE_IMAGE</c>).</param>
    /// <returns>Null when there is no elector or it runs <paramref name="image"/>.</returns>
    public static string? Warning(JsonNode? podSpec, string image)
    {
        foreach (var list in new[] { podSpec?["initContainers"], podSpec?["containers"] })
        {
            foreach (var container in list as JsonArray ?? [])
            {
                if (ManifestInjector.Text(container, "name") != ElectorHttp.ContainerName)
                {
                    continue;
                }

                var current = ManifestInjector.Text(container, "image");
                return string.Equals(current, image, StringComparison.Ordinal)
                    ? null
                    : $"already injected, with the elector image \"{current}\": left as it is, so the image of this run (\"{image}\") does not apply; " +
                      "to change the elector, inject the manifest as it was before injection";
            }
        }

        return null;
    }
}
