using System.Text.Json.Nodes;

namespace SingleActive.Bench.Load;

/// <summary>The AdmissionReview bodies to send, read once; request i uses body i mod count.</summary>
public sealed class RequestBodies
{
    private readonly byte[][] bodies;

    private RequestBodies(byte[][] bodies, string[] names)
    {
        this.bodies = bodies;
        Names = names;
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => bodies.Length;

    public byte[] For(long i) => bodies[i % bodies.Length];

    public static RequestBodies Load(IEnumerable<string> files, bool dryRun, bool optOut = false)
    {
        var names = new List<string>();
        var bodies = new List<byte[]>();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            if (dryRun || optOut)
            {
                var review = JsonNode.Parse(bytes) ?? throw new InvalidDataException($"{file}: empty JSON");
                var request = review["request"] as JsonObject ?? throw new InvalidDataException($"{file}: no request");
                if (dryRun)
                {
                    // A dry-run request is the full decide/render/patch path without the ServiceAccount
                    // side effect, which a real cluster pays once per namespace and then serves from cache.
                    request["dryRun"] = true;
                }

                if (optOut)
                {
                    // Same pod, same size, answered without injection: "false" is an explicit opt-out.
                    var annotations = request["object"]?["metadata"]?["annotations"] as JsonObject
                        ?? throw new InvalidDataException($"{file}: the pod has no annotations to opt out with");
                    annotations["single-active"] = "false";
                }

                bytes = System.Text.Encoding.UTF8.GetBytes(review.ToJsonString());
            }

            names.Add(Path.GetFileName(file));
            bodies.Add(bytes);
        }

        return new RequestBodies([.. bodies], [.. names]);
    }
}
