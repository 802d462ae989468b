using System.Text.Json.Nodes;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Manifests;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The <c>inject -f</c> path of a golden case: the command as the binary runs it, on the object an input review
/// carries (as JSON on stdin) with the review's namespace as <c>-n</c>, the same image as the golden servers, and
/// for the "native" variant <c>--kubernetes-version 1.30</c> (the golden server's API server).
/// </summary>
public sealed record InjectRun(IReadOnlyList<string> Arguments, int Exit, string Stdout, string Stderr)
{
    /// <summary>The documents written: the RBAC manifests first, then the input object.</summary>
    public IReadOnlyList<JsonNode> Documents => ManifestReader.Read(Stdout);

    /// <summary>The object inject wrote last (RBAC manifests come first), read back with the command's own reader.</summary>
    public JsonNode Object => Documents[^1];

    public static InjectRun OnObjectOf(JsonNode review, string variant)
    {
        ArgumentNullException.ThrowIfNull(review);
        var request = review["request"]!;
        return Of(request["object"]!.ToJsonString(), (string?)request["namespace"], variant);
    }

    public static InjectRun Of(string input, string? ns, string variant)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] arguments = ["inject", "-f", "-", "--image", GoldenServers.Image, .. ns is null ? [] : new[] { "-n", ns }, .. variant == "native" ? new[] { "--kubernetes-version", "1.30" } : []];
        var exit = InjectCommand.Run(arguments, stdin, stdout, stderr);
        return new InjectRun(arguments, exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>What <c>testdata/golden/&lt;variant&gt;/&lt;input&gt;.inject.yaml</c> holds: the command, its exit code, stdout, and stderr as comments.</summary>
    public string ToGolden(string fixture) => ToGoldenOf($"<request.object of testdata/{fixture}.json>");

    /// <summary>The same for input read from <paramref name="source"/> (what the header names in place of <c>-</c>, stdin).</summary>
    public string ToGoldenOf(string source) =>
        $"# {string.Join(' ', Arguments).Replace("-f -", "-f " + source, StringComparison.Ordinal)}: exit code {Exit}\n"
        + Stdout
        + "# stderr:\n"
        + string.Concat(Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "# " + l + "\n"));
}
