namespace SingleActive.Core.Kubeconfig;

/// <summary>
/// One named cluster, user or context of a kubeconfig file: its scalar fields (<c>server</c>, <c>token</c>, ...) and the
/// names of its nested sections (<c>exec</c>, <c>auth-provider</c>), with the file it came from, so a relative path
/// is resolved against that file's folder, as kubectl does, even after files were merged.
/// </summary>
public sealed class KubeconfigEntry(string name, string file, IReadOnlyDictionary<string, string> fields, IReadOnlySet<string> sections)
{
    public string Name { get; } = name;

    /// <summary>The kubeconfig file that defined this entry (the first one to define the name).</summary>
    public string File { get; } = file;

    public IReadOnlySet<string> Sections { get; } = sections;

    /// <summary>A scalar field; null when absent or empty.</summary>
    public string? this[string key] => fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>A path field, made absolute against the folder of <see cref="File"/>; null when absent.</summary>
    public string? PathOf(string key) =>
        this[key] is { } path ? System.IO.Path.GetFullPath(path, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(File))!) : null;

    /// <summary>Whether a boolean field is true (<c>insecure-skip-tls-verify</c>).</summary>
    public bool IsTrue(string key) => string.Equals(this[key], "true", StringComparison.OrdinalIgnoreCase);
}
