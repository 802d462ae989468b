using System.Globalization;
using System.Text.Json.Nodes;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// Applies the add/remove/replace operations <c>JsonPatchBuilder</c> produces to a manifest's own JSON tree.
/// Offline injection changes the input this way rather than printing the re-serialized typed object, so
/// that fields the model does not know, and values it would normalize, come out exactly as they went in.
/// </summary>
public static class JsonPatchApplier
{
    public static void Apply(JsonNode document, ReadOnlySpan<byte> patch)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (JsonNode.Parse(patch) is not JsonArray operations)
        {
            throw new ArgumentException("a JSON patch must be an array", nameof(patch));
        }

        foreach (var operation in operations)
        {
            var op = operation?["op"]?.GetValue<string>();
            var path = operation?["path"]?.GetValue<string>() ?? throw new ArgumentException("a patch operation has no path", nameof(patch));
            var (parent, token) = Locate(document, path);
            switch (op, parent)
            {
                case ("add" or "replace", JsonObject obj):
                    obj[token] = operation!["value"]?.DeepClone();
                    break;
                case ("add", JsonArray array):
                    var value = operation!["value"]?.DeepClone();
                    if (token == "-")
                    {
                        array.Add(value);
                    }
                    else
                    {
                        array.Insert(Index(token, array.Count + 1), value);
                    }

                    break;
                case ("replace", JsonArray array):
                    array[Index(token, array.Count)] = operation!["value"]?.DeepClone();
                    break;
                case ("remove", JsonObject obj):
                    obj.Remove(token);
                    break;
                case ("remove", JsonArray array):
                    array.RemoveAt(Index(token, array.Count));
                    break;
                default:
                    throw new ArgumentException($"cannot apply \"{op}\" at {path}", nameof(patch));
            }
        }
    }

    private static (JsonNode Parent, string Token) Locate(JsonNode document, string path)
    {
        var tokens = path.Split('/')[1..].Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        if (tokens.Length == 0)
        {
            throw new ArgumentException("a patch operation on the whole document is not supported", nameof(path));
        }

        var current = document;
        foreach (var token in tokens[..^1])
        {
            current = current switch
            {
                JsonObject obj => obj[token],
                JsonArray array => array[Index(token, array.Count)],
                _ => null,
            } ?? throw new ArgumentException($"path {path} does not exist", nameof(path));
        }

        return (current, tokens[^1]);
    }

    private static int Index(string token, int limit) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < limit
            ? index
            : throw new ArgumentException($"\"{token}\" is not an index below {limit}");
}
