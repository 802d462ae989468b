using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.Doctor;

/// <summary><c>doctor</c> output: one paragraph a finding (errors first), then a count; or a JSON/YAML document.</summary>
public static class DoctorRenderer
{
    public static string Render(IReadOnlyList<Finding> findings, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var ordered = findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
        var errors = findings.Count(f => f.Severity == Severity.Error);
        var warnings = findings.Count(f => f.Severity == Severity.Warning);
        if (format is OutputFormat.Json or OutputFormat.Yaml)
        {
            return DocumentWriter.Render(
                new JsonObject
                {
                    ["errors"] = errors,
                    ["warnings"] = warnings,
                    ["findings"] = new JsonArray([.. ordered.Select(f => (JsonNode)new JsonObject
                    {
                        ["severity"] = Name(f.Severity),
                        ["subject"] = f.Subject,
                        ["problem"] = f.Problem,
                        ["fix"] = f.Fix,
                    })]),
                },
                format);
        }

        var sb = new StringBuilder();
        foreach (var finding in ordered)
        {
            sb.Append(Name(finding.Severity).ToUpperInvariant().PadRight(8)).Append(finding.Subject).Append(": ").Append(finding.Problem).Append('\n');
            if (finding.Fix is { } fix)
            {
                sb.Append("        fix: ").Append(fix).Append('\n');
            }
        }

        sb.Append(string.Create(CultureInfo.InvariantCulture, $"{errors} error(s), {warnings} warning(s)\n"));
        return sb.ToString();
    }

    private static string Name(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
