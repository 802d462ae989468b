namespace SingleActive.Core.Kubeconfig;

/// <summary>
/// Which kubeconfig files apply, by kubectl's rules (client-go <c>clientcmd.ClientConfigLoadingRules</c>), the one
/// rule for every binary: an explicit file (<c>--kubeconfig</c>; a ':' list of files is accepted too, as the webhook
/// always did) wins and must exist; else <c>KUBECONFIG</c>, a list split by the path separator (':'), empty entries
/// ignored, duplicates dropped, files that do not exist skipped; else <c>~/.kube/config</c> when it exists and the
/// caller is a command line (see <see cref="HomeConfig"/>); else none, and the caller uses the in-cluster service account.
/// </summary>
public static class KubeconfigFiles
{
    public const string Variable = "KUBECONFIG";

    /// <summary>
    /// Whether <c>~/.kube/config</c> is read when nothing else names a kubeconfig: yes for a command line (the plugin,
    /// as kubectl); no for a server (the webhook, the elector), which must never pick up the current context of the
    /// shell it was started from and create ServiceAccounts and RoleBindings in whatever cluster that points at.
    /// </summary>
    public enum HomeConfig
    {
        Ignore,
        Read,
    }

    /// <summary>The files to merge, first one winning (<see cref="KubeconfigDocument.Merge"/>); empty when no kubeconfig applies.</summary>
    /// <param name="explicitFile">The <c>--kubeconfig</c> flag (or setting); null or blank when not given.</param>
    /// <param name="environment">Reads <c>KUBECONFIG</c> and <c>HOME</c>.</param>
    /// <param name="home">Whether <c>~/.kube/config</c> is the last resort (<see cref="HomeConfig"/>).</param>
    public static IReadOnlyList<string> Resolve(string? explicitFile, Func<string, string?> environment, HomeConfig home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(explicitFile))
        {
            var named = explicitFile.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
            return named.FirstOrDefault(f => !File.Exists(f)) is { } missing
                ? throw new InvalidOperationException($"cannot use kubeconfig \"{missing}\": the file does not exist (fix --kubeconfig, or leave it out to use {Variable})")
                : named;
        }

        var list = environment(Variable);
        if (!string.IsNullOrWhiteSpace(list))
        {
            var files = new List<string>();
            foreach (var entry in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!files.Contains(entry) && File.Exists(entry))
                {
                    files.Add(entry);
                }
            }

            // kubectl would go on with an empty configuration and fail later against localhost:8080; a variable
            // that names nothing usable is a mistake worth saying so at once.
            return files.Count > 0
                ? files
                : throw new InvalidOperationException($"cannot use {Variable}=\"{list}\": none of its files exists (fix the variable, or unset it to use ~/.kube/config or the in-cluster service account)");
        }

        var homeDirectory = home == HomeConfig.Read ? environment("HOME") : null;
        var homeFile = string.IsNullOrEmpty(homeDirectory) ? null : Path.Combine(homeDirectory, ".kube", "config");
        return homeFile is not null && File.Exists(homeFile) ? [homeFile] : [];
    }
}
