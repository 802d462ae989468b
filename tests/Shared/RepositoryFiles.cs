namespace SingleActive.Tests.Shared;

/// <summary>Finds a file of the repository (docs, deploy) from a test's output folder, which lies below the root.</summary>
internal static class RepositoryFiles
{
    /// <summary>The full path of <paramref name="relative"/> (a path from the repository root); throws when there is none.</summary>
    public static string Find(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
