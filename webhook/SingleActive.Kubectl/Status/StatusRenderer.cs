using System.Globalization;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.Status;

/// <summary><c>status</c> output: a kubectl table (<c>-o wide</c> adds the Lease, why the term began and the last handover), or a JSON/YAML document.</summary>
public static class StatusRenderer
{
    public static string Render(IReadOnlyList<WorkloadStatus> statuses, OutputFormat format, bool allNamespaces, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        if (format is OutputFormat.Json or OutputFormat.Yaml)
        {
            return DocumentWriter.Render(ToDocument(statuses), format);
        }

        if (statuses.Count == 0)
        {
            return "";
        }

        var wide = format == OutputFormat.Wide;
        var headers = new List<string> { "NAME", "MODE", "LEADER", "NODE", "EPOCH", "LEADING SINCE", "STANDBYS READY", "PAUSED" };
        if (wide)
        {
            headers.AddRange(["LEASE", "WHY", "LAST HANDOVER"]);
        }

        if (allNamespaces)
        {
            headers.Insert(0, "NAMESPACE");
        }

        return TableWriter.Render(headers, statuses.Select(s => Row(s, wide, allNamespaces, now)));
    }

    public static JsonObject ToDocument(IEnumerable<WorkloadStatus> statuses) =>
        new() { ["items"] = new JsonArray([.. statuses.Select(ToJson)]) };

    private static List<string?> Row(WorkloadStatus s, bool wide, bool allNamespaces, DateTimeOffset now)
    {
        var row = new List<string?>
        {
            s.Workload.Reference,
            ElectorModes.Format(s.Workload.Mode),
            s.Leader is null ? null : s.LeaderPodFound ? s.Leader : s.Leader + " (gone)",
            s.LeaderNode,
            s.Epoch?.ToString(CultureInfo.InvariantCulture),
            Ages.Since(s.LeadingSince, now),
            $"{s.StandbysReady}/{s.Standbys}",
            s.Paused ? "yes" : "no",
        };
        if (wide)
        {
            row.AddRange([
                s.Workload.LeaseName,
                s.Why,
                s.LastHandover is { } h ? $"{HandoverRecord.Format(h.Outcome)}: {h.Reason} ({Ages.Since(h.At, now)} ago)" : null,
            ]);
        }

        if (allNamespaces)
        {
            row.Insert(0, s.Workload.Namespace);
        }

        return row;
    }

    private static JsonObject ToJson(WorkloadStatus s) => new()
    {
        ["namespace"] = s.Workload.Namespace,
        ["kind"] = s.Workload.Workload.Kind,
        ["name"] = s.Workload.Name,
        ["mode"] = ElectorModes.Format(s.Workload.Mode),
        ["lease"] = s.Workload.LeaseName,
        ["leader"] = s.Leader,
        ["leaderPodFound"] = s.LeaderPodFound,
        ["leaderNode"] = s.LeaderNode,
        ["epoch"] = s.Epoch,
        ["leadingSince"] = Time(s.LeadingSince),
        ["standbys"] = new JsonObject { ["ready"] = s.StandbysReady, ["total"] = s.Standbys },
        ["paused"] = s.Paused,
        ["why"] = s.Why,
        ["lastHandover"] = s.LastHandover is { } h
            ? new JsonObject
            {
                ["requested"] = h.Requested,
                ["target"] = h.Target,
                ["from"] = h.From,
                ["outcome"] = HandoverRecord.Format(h.Outcome),
                ["reason"] = h.Reason,
                ["at"] = Time(h.At),
            }
            : null,
    };

    private static string? Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
