using System.Text.RegularExpressions;
using SingleActive.Contract;

namespace SingleActive.Elector.NodeDrain;

/// <summary>
/// The taints that announce a drain (<see cref="ElectorEnv.DrainTaints"/>; <see cref="DrainTaints.Default"/> when unset),
/// and the verdict on a node: draining when it is cordoned or carries one of them (any effect).
/// </summary>
public sealed partial class DrainTaintList
{
    private readonly IReadOnlyList<(string Key, string? Value)> entries;

    private DrainTaintList(IReadOnlyList<(string Key, string? Value)> entries) => this.entries = entries;

    /// <summary>The default list.</summary>
    public static DrainTaintList Default { get; } = Parse(DrainTaints.Default, out _)!;

    /// <summary>The entries as configured, for the log.</summary>
    public override string ToString() => string.Join(',', entries.Select(e => e.Value is null ? e.Key : $"{e.Key}={e.Value}"));

    /// <summary>Parses <c>key[=value],…</c>; <c>null</c> with the reason when an entry is not a taint key (or value).</summary>
    public static DrainTaintList? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<(string, string?)>();
        foreach (var raw in text.Split(','))
        {
            var entry = raw.Trim();
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? entry : entry[..equals];
            var value = equals < 0 ? null : entry[(equals + 1)..];
            if (!TaintKey().IsMatch(key) || (value is not null && value.Length > 0 && !TaintValue().IsMatch(value)))
            {
                error = $"\"{entry}\" is not a taint key or key=value (e.g. {DrainTaints.Default.Split(',')[0]})";
                return null;
            }

            entries.Add((key, string.IsNullOrEmpty(value) ? null : value));
        }

        error = null;
        return new DrainTaintList(entries);
    }

    /// <summary>Draining when cordoned, or when a taint matches an entry (key, and value where the entry has one).</summary>
    public NodeDrainState Evaluate(NodeSnapshot node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Unschedulable)
        {
            return new NodeDrainState(true, $"node {node.Name} is cordoned (spec.unschedulable)");
        }

        foreach (var taint in node.Taints)
        {
            if (entries.Any(e => e.Key == taint.Key && (e.Value is null || e.Value == taint.Value)))
            {
                return new NodeDrainState(true, $"node {node.Name} has the drain taint {taint}");
            }
        }

        return NodeDrainState.Schedulable(node.Name);
    }

    // Kubernetes' qualified name with an optional DNS-subdomain prefix; a label value.
    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex TaintKey();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex TaintValue();
}
