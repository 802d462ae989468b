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

    public static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects, o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name);

    public static string Describe(JsonObject o) => $"{o["kind"]}/{o["metadata"]?["name"]}";
}
