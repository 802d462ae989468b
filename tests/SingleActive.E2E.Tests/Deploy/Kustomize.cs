using System.Text.Json.Nodes;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>Builds deploy/ with kubectl's built-in kustomize, exactly what <c>kubectl apply -k</c> sends.</summary>
public static class Kustomize
{
    public static string DeployDir(string relative) => Path.Combine(RepositoryPaths.Root, "deploy", relative);

    public static async Task<string> BuildYamlAsync(string directory)
    {
        var (exit, stdout, stderr) = await ExternalCommand.RunAsync("kubectl", ["kustomize", directory]);
        Assert.True(exit == 0, $"kubectl kustomize {directory} failed (exit {exit}): {stderr}");
        return stdout;
    }

    public static async Task<List<JsonObject>> BuildAsync(string directory) =>
        YamlJson.ParseDocuments(await BuildYamlAsync(directory));

    /// <summary>
    /// A user's own overlay: <paramref name="overlay"/> (under deploy/) with <paramref name="components"/> (under deploy/,
    /// in that order), built from a kustomization in a temporary folder (kustomize refuses absolute paths).
    /// </summary>
    public static async Task<List<JsonObject>> BuildWithComponentsAsync(string overlay, params string[] components)
    {
        var work = Path.Combine(Path.GetTempPath(), $"single-active-overlay-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var listed = string.Join(", ", components.Select(c => $"\"{Path.GetRelativePath(work, DeployDir(c))}\""));
            await File.WriteAllTextAsync(Path.Combine(work, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: ["{Path.GetRelativePath(work, DeployDir(overlay))}"]
                components: [{listed}]
                """);
            return await BuildAsync(work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects, o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name);

    public static string Describe(JsonObject o) => $"{o["kind"]}/{o["metadata"]?["name"]}";
}
