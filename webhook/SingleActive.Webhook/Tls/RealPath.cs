namespace SingleActive.Webhook.Tls;

/// <summary>
/// Resolves every symlink in a path. Mounted Secrets are <c>tls.crt -> ..data/tls.crt</c> with
/// <c>..data -> ..2024_01_01_00_00_00.123</c>; only the fully resolved path changes on rotation.
/// </summary>
public static class RealPath
{
    private const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        var current = Path.GetFullPath(path);
        for (var hops = 0; hops < MaxLinks; hops++)
        {
            var next = ResolveOnce(current);
            if (next == current)
            {
                return current;
            }

            current = next;
        }

        return current;
    }

    private static string ResolveOnce(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var resolved = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(resolved, part);
            FileSystemInfo info = Directory.Exists(candidate) ? new DirectoryInfo(candidate) : new FileInfo(candidate);
            if (info.LinkTarget is { } target)
            {
                candidate = Path.GetFullPath(target, resolved);
            }

            resolved = candidate;
        }

        return resolved;
    }
}
