namespace SingleActive.Kubectl.Output;

/// <summary>kubectl's <c>-o</c>: a table (the default), a wider table, or the whole document as JSON or YAML.</summary>
public enum OutputFormat
{
    Table,
    Wide,
    Json,
    Yaml,
}
