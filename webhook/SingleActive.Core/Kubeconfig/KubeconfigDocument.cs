namespace SingleActive.Core.Kubeconfig;

/// <summary>
/// One or more kubeconfig files merged by kubectl's rules: clusters, users and contexts by name, the FIRST file to
/// define a name winning (client-go merges maps that way); <c>current-context</c> from the first file that sets it.
/// </summary>
public sealed class KubeconfigDocument
{
    private readonly Dictionary<string, KubeconfigEntry> clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KubeconfigEntry> users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KubeconfigEntry> contexts = new(StringComparer.Ordinal);

    private KubeconfigDocument(IReadOnlyList<string> files) => Files = files;

    public IReadOnlyList<string> Files { get; }

    public string? CurrentContext { get; private set; }

    public IReadOnlyDictionary<string, KubeconfigEntry> Clusters => clusters;

    public IReadOnlyDictionary<string, KubeconfigEntry> Users => users;

    public IReadOnlyDictionary<string, KubeconfigEntry> Contexts => contexts;

    /// <summary>Reads and merges <paramref name="files"/> (see <see cref="KubeconfigFiles.Resolve"/>), first one winning.</summary>
    public static KubeconfigDocument Load(IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var parsed = new KubeconfigFile[files.Count];
        for (var i = 0; i < parsed.Length; i++)
        {
            parsed[i] = KubeconfigParser.ParseFile(files[i]);
        }

        return Merge(parsed);
    }

    /// <summary>Merges parsed files in precedence order.</summary>
    public static KubeconfigDocument Merge(IReadOnlyList<KubeconfigFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var merged = new KubeconfigDocument([.. files.Select(static f => f.Path)]);
        foreach (var file in files)
        {
            merged.CurrentContext ??= file.CurrentContext;
            AddMissing(merged.clusters, file.Clusters);
            AddMissing(merged.users, file.Users);
            AddMissing(merged.contexts, file.Contexts);
        }

        return merged;
    }

    /// <summary>
    /// The context to use (<paramref name="context"/>, kubectl's <c>--context</c>, else <c>current-context</c>) with
    /// its cluster and user; an error naming the files and the missing name when one cannot be found.
    /// </summary>
    public KubeconfigSelection Select(string? context = null)
    {
        var where = string.Join(Path.PathSeparator, Files);
        var contextName = !string.IsNullOrEmpty(context) ? context
            : CurrentContext ?? throw new InvalidOperationException($"{where} has no current-context (set one, or name a context)");
        var chosen = contexts.GetValueOrDefault(contextName) ?? throw new InvalidOperationException($"{where}: context '{contextName}' not found");
        var clusterName = chosen["cluster"] ?? throw new InvalidOperationException($"{where}: context '{contextName}' names no cluster");
        var cluster = clusters.GetValueOrDefault(clusterName) ?? throw new InvalidOperationException($"{where}: cluster '{clusterName}' not found");
        if (cluster["server"] is null)
        {
            throw new InvalidOperationException($"{where}: cluster '{clusterName}' has no server");
        }

        // As kubectl: a context without a user, or naming a user no file defines, connects without credentials.
        var user = chosen["user"] is { } userName ? users.GetValueOrDefault(userName) : null;
        return new KubeconfigSelection(contextName, chosen, cluster, user);
    }

    private static void AddMissing(Dictionary<string, KubeconfigEntry> merged, IReadOnlyList<KubeconfigEntry> entries)
    {
        foreach (var entry in entries)
        {
            merged.TryAdd(entry.Name, entry);
        }
    }
}
