namespace SingleActive.Kubectl.Output;

/// <summary>
/// kubectl's table layout (<c>k8s.io/cli-runtime</c> printers): upper-case headers, columns padded to their widest
/// cell and separated by three spaces, no borders, <c>&lt;none&gt;</c> for an empty cell. Table libraries draw boxes;
/// kubectl users pipe this into awk and column, so it is written here in a few lines.
/// </summary>
public static class TableWriter
{
    public const string None = "<none>";

    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var cells = rows.Select(row => row.Select(cell => string.IsNullOrEmpty(cell) ? None : cell).ToList()).ToList();
        var widths = headers.Select((h, i) => cells.Select(r => r[i].Length).Append(h.Length).Max()).ToList();
        var sb = new System.Text.StringBuilder();
        foreach (var row in cells.Prepend([.. headers]))
        {
            for (var i = 0; i < row.Count; i++)
            {
                sb.Append(i == row.Count - 1 ? row[i] : row[i].PadRight(widths[i] + 3));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }
}
