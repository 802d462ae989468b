using System.Text.Json.Nodes;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>The paths (JSONPath-like, prefixed with a label) at which two JSON trees differ; a removed subtree is one path.</summary>
public static class JsonDifferences
{
    public static IEnumerable<string> Between(JsonNode? left, JsonNode? right, string label)
    {
        var found = new List<string>();
        Walk(left, right, "$", found);
        return found.Select(path => $"{label} {path}");
    }

    private static void Walk(JsonNode? left, JsonNode? right, string path, List<string> found)
    {
        switch (left, right)
        {
            case (JsonObject l, JsonObject r):
                foreach (var key in l.Select(p => p.Key).Union(r.Select(p => p.Key)))
                {
                    var child = $"{path}.{key}";
                    if (!l.ContainsKey(key) || !r.ContainsKey(key))
                    {
                        found.Add(child);
                    }
                    else
                    {
                        Walk(l[key], r[key], child, found);
                    }
                }

                break;
            case (JsonArray l, JsonArray r) when l.Count == r.Count:
                for (var i = 0; i < l.Count; i++)
                {
                    Walk(l[i], r[i], $"{path}[{i}]", found);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(left, right))
                {
                    found.Add(path);
                }

                break;
        }
    }
}
