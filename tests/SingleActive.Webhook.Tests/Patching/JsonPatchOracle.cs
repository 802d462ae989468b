using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace SingleActive.Webhook.Tests.Patching;

/// <summary>Applies RFC 6902 patches with an independent implementation (Microsoft.AspNetCore.JsonPatch.SystemTextJson).</summary>
public static class JsonPatchOracle
{
    public static JsonNode Apply(JsonNode document, byte[] patch)
    {
        var copy = document.DeepClone();
        var operations = JsonSerializer.Deserialize<JsonPatchDocument>(patch)
            ?? throw new InvalidOperationException("patch is JSON null");
        var errors = new List<string>();
        operations.ApplyTo(copy, error => errors.Add($"{error.Operation?.op} {error.Operation?.path}: {error.ErrorMessage}"));
        Assert.True(errors.Count == 0, "patch did not apply: " + string.Join("; ", errors));
        return copy;
    }

    public static JsonArray Operations(byte[] patch) => (JsonArray)JsonNode.Parse(patch)!;
}
