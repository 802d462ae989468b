using System.Text;
using System.Text.Json.Nodes;

namespace SingleActive.Webhook.Tests.Robustness;

/// <summary>
/// Deterministic bad AdmissionReview bodies: body <c>i</c> depends only on (seed, i), so a failure names
/// the index that reproduces it. Most are damaged copies of the captured fixtures, so they get past
/// the first parse often enough to reach the decide/render/patch code.
/// </summary>
public sealed class BadBodyGenerator(IReadOnlyList<string> fixtures, int seed, long oversizeBytes)
{
    /// <summary>Cheap damage, drawn uniformly for most bodies.</summary>
    private static readonly string[] Common =
    [
        "truncated", "wrong-type", "missing-field", "unknown-kind", "v1beta1", "invalid-utf8", "byte-flip",
        "deep-nesting", "garbage", "wrong-content-type", "odd-json",
    ];

    private readonly JsonNode[] parsed = [.. fixtures.Select(f => JsonNode.Parse(f)!)];
    private readonly byte[][] raw = [.. fixtures.Select(Encoding.UTF8.GetBytes)];

    public BadBody Generate(int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var category = Pick(random);
        var fixture = random.Next(this.raw.Length);
        var review = parsed[fixture].DeepClone();
        byte[] bytes = category switch
        {
            "truncated" => this.raw[fixture][..random.Next(this.raw[fixture].Length)],
            "wrong-type" => Bytes(ReplaceRandomNode(review, random, WrongValue(random))),
            "missing-field" => Bytes(RemoveRandomProperty(review, random)),
            "unknown-kind" => Bytes(UnknownKind(review, random)),
            "v1beta1" => Bytes(V1Beta1(review, random)),
            "invalid-utf8" => InvalidUtf8(this.raw[fixture], random),
            "byte-flip" => FlipBytes(this.raw[fixture], random),
            "deep-nesting" => DeepNesting(review, random),
            "huge-value" => Bytes(HugeValue(review, random)),
            "garbage" => Garbage(random),
            "wrong-content-type" => this.raw[fixture],
            "odd-json" => OddJson(this.raw[fixture], random),
            "oversize" => Oversize(this.raw[fixture]),
            _ => throw new InvalidOperationException(category),
        };
        var contentType = category == "wrong-content-type"
            ? new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", null }[random.Next(4)]
            : "application/json";
        return new BadBody(index, category, bytes, contentType);
    }

    private static string Pick(Random random)
    {
        // Oversize and huge bodies are megabytes each: rare, but every run has hundreds of them.
        var roll = random.Next(1000);
        return roll switch
        {
            < 2 => "oversize",
            < 6 => "huge-value",
            _ => Common[random.Next(Common.Length)],
        };
    }

    private static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static JsonNode? WrongValue(Random random) => random.Next(8) switch
    {
        0 => JsonValue.Create(random.Next()),
        1 => JsonValue.Create(random.NextDouble() * 1e300),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => null,
        4 => JsonValue.Create("x" + random.Next()),
        5 => new JsonArray(JsonValue.Create(1), JsonValue.Create("a"), null),
        6 => new JsonObject { ["unexpected"] = random.Next() },
        _ => JsonValue.Create(""),
    };

    private static List<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode root)
    {
        var slots = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode node)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, child) in obj.ToList())
                {
                    slots.Add((obj, key, -1));
                    if (child is not null)
                    {
                        Walk(child);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    if (array[i] is { } child)
                    {
                        Walk(child);
                    }
                }
            }
        }

        Walk(root);
        return slots;
    }

    private static JsonNode ReplaceRandomNode(JsonNode root, Random random, JsonNode? value)
    {
        var slots = Slots(root);
        var (parent, key, index) = slots[random.Next(slots.Count)];
        if (key is not null)
        {
            parent.AsObject()[key] = value;
        }
        else
        {
            parent.AsArray()[index] = value;
        }

        return root;
    }

    private static JsonNode RemoveRandomProperty(JsonNode root, Random random)
    {
        // Half the time one of the fields everything hangs on; otherwise anywhere.
        string[][] vital = [["request"], ["request", "uid"], ["request", "kind"], ["request", "object"], ["request", "object", "spec"],
            ["request", "object", "metadata"], ["request", "object", "spec", "containers"], ["request", "operation"], ["apiVersion"], ["kind"]];
        if (random.Next(2) == 0)
        {
            var path = vital[random.Next(vital.Length)];
            var parent = path[..^1].Aggregate((JsonNode?)root, (n, k) => n?[k]);
            (parent as JsonObject)?.Remove(path[^1]);
            return root;
        }

        var objects = Slots(root).Where(s => s.Key is not null).ToList();
        var (obj, key, _) = objects[random.Next(objects.Count)];
        obj.AsObject().Remove(key!);
        return root;
    }

    private static JsonNode UnknownKind(JsonNode root, Random random)
    {
        string[] kinds = ["Secret", "ConfigMap", "Frobnicator", "", "pod", "POD", "Pod\u0000", "Deployment", "CronJob"];
        if (root["request"] is JsonObject request)
        {
            request["kind"] = new JsonObject
            {
                ["group"] = random.Next(3) == 0 ? "example.com" : "",
                ["version"] = random.Next(3) == 0 ? "v2alpha9" : "v1",
                ["kind"] = kinds[random.Next(kinds.Length)],
            };
        }

        return root;
    }

    private static JsonNode V1Beta1(JsonNode root, Random random)
    {
        root["apiVersion"] = "admission.k8s.io/v1beta1";
        return random.Next(2) == 0 ? root : ReplaceRandomNode(root, random, WrongValue(random));
    }

    private static byte[] InvalidUtf8(byte[] raw, Random random)
    {
        byte[][] sequences = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0xBC], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80]];
        var bytes = raw.ToList();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            // Inside a string literal when possible: right after a quote.
            var at = random.Next(bytes.Count);
            var quote = bytes.IndexOf((byte)'"', at);
            bytes.InsertRange(quote >= 0 ? quote + 1 : at, sequences[random.Next(sequences.Length)]);
        }

        return [.. bytes];
    }

    private static byte[] FlipBytes(byte[] raw, Random random)
    {
        var bytes = (byte[])raw.Clone();
        for (var n = random.Next(1, 6); n > 0; n--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }

    private static byte[] DeepNesting(JsonNode root, Random random)
    {
        var depth = random.Next(2) == 0 ? random.Next(60, 70) : random.Next(100, 20_000);
        var (open, close) = random.Next(2) == 0 ? ("[", "]") : ("{\"a\":", "}");
        var nested = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            nested.Append(open);
        }

        nested.Append('1');
        for (var i = 0; i < depth; i++)
        {
            nested.Append(close);
        }

        const string Marker = "\"__nested__\"";
        ReplaceRandomNode(root, random, JsonValue.Create("__nested__"));
        return Encoding.UTF8.GetBytes(root.ToJsonString().Replace(Marker, nested.ToString(), StringComparison.Ordinal));
    }

    private static JsonNode HugeValue(JsonNode root, Random random)
    {
        var size = random.Next(100_000, 1_500_000);
        JsonNode? value = random.Next(4) switch
        {
            0 => JsonValue.Create(new string('a', size)),
            1 => new JsonArray([.. Enumerable.Range(0, size / 50).Select(i => (JsonNode?)new JsonObject { ["name"] = $"c{i}", ["image"] = "x" })]),
            2 => new JsonObject(Enumerable.Range(0, size / 40).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)JsonValue.Create("v")))),
            _ => JsonValue.Create(new string('9', 400)),
        };
        if (random.Next(2) == 0 && root["request"]?["object"]?["spec"] is JsonObject spec)
        {
            spec["containers"] = value is JsonArray ? value : new JsonArray(new JsonObject { ["name"] = "app", ["image"] = value });
            return root;
        }

        if (random.Next(2) == 0 && root["request"]?["object"]?["metadata"] is JsonObject metadata)
        {
            metadata["annotations"] = new JsonObject { ["single-active"] = "true", ["huge"] = value };
            return root;
        }

        return ReplaceRandomNode(root, random, value);
    }

    private static byte[] Garbage(Random random) => random.Next(8) switch
    {
        0 => [],
        1 => "null"u8.ToArray(),
        2 => "[]"u8.ToArray(),
        3 => "{}"u8.ToArray(),
        4 => "\"AdmissionReview\""u8.ToArray(),
        5 => """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}"""u8.ToArray(),
        _ => RandomBytes(random),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 4096)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] OddJson(byte[] raw, Random random)
    {
        var text = Encoding.UTF8.GetString(raw);
        return random.Next(5) switch
        {
            0 => [0xEF, 0xBB, 0xBF, .. raw], // BOM
            1 => Encoding.UTF8.GetBytes(text.Replace("\"request\":", "\"request\":{},\"request\":", StringComparison.Ordinal)), // duplicate key
            2 => Encoding.UTF8.GetBytes(text + text), // two documents
            3 => Encoding.UTF8.GetBytes(text.TrimEnd().TrimEnd('}') + ",}"), // trailing comma
            _ => Encoding.UTF8.GetBytes("/* comment */" + text),
        };
    }

    private byte[] Oversize(byte[] raw)
    {
        // A valid review padded past the server's limit with a huge annotation.
        var padding = new string('p', (int)(oversizeBytes - raw.Length) + 1024);
        var text = Encoding.UTF8.GetString(raw);
        var at = text.IndexOf("\"metadata\":{", StringComparison.Ordinal);
        return at < 0
            ? Encoding.UTF8.GetBytes(text + padding)
            : Encoding.UTF8.GetBytes(text.Insert(at + 12, $"\"labels\":{{\"pad\":\"{padding}\"}},"));
    }
}
