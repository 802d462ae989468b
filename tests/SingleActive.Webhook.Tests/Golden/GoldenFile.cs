using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>Compares an answer with its golden file, or with UPDATE_GOLDEN=1 writes it there.</summary>
public static class GoldenFile
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON compared as a tree, so that only a change of content fails.</summary>
    public static void AssertJson(string path, JsonNode actual)
    {
        var text = actual.ToJsonString(Pretty) + "\n";
        if (Write(path, text))
        {
            return;
        }

        var expected = JsonNode.Parse(File.ReadAllText(path));
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{path} differs from the webhook's answer (UPDATE_GOLDEN=1 rewrites it after review). Actual:\n{text}");
    }

    /// <summary>Text compared exactly (line endings aside): the YAML a user pipes into kubectl.</summary>
    public static void AssertText(string path, string actual)
    {
        if (Write(path, actual))
        {
            return;
        }

        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    private static bool Write(string path, string text)
    {
        if (TestData.UpdateGolden)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return true;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with UPDATE_GOLDEN=1 to create it");
        return false;
    }
}
