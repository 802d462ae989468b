namespace SingleActive.Core.Tests.Kubeconfig;

/// <summary>
/// One multi-file KUBECONFIG, compiled into the Core, elector and kubectl-plugin tests alike, so each binary is held
/// to the same expected server, context and credentials. File a sets current-context and the context and cluster
/// both files define (a wins); the context's user is defined in b only; b's own current-context, cluster and context
/// lose. The list also holds an empty entry and a file that does not exist (skipped).
/// </summary>
internal sealed class MultiFileKubeconfig : IDisposable
{
    public const string ExpectedServer = "https://127.0.0.1:6443/";
    public const string ExpectedContext = "dev";
    public const string ExpectedToken = "token-of-carol-from-b";
    public const string ExpectedNamespace = "team-a";

    public MultiFileKubeconfig()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("sa-multi-kubeconfig-").FullName;
        var a = Path.Combine(Directory, "a.yaml");
        var b = Path.Combine(Directory, "b", "config");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(b)!);
        File.WriteAllText(a, """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: shared
              cluster:
                server: https://127.0.0.1:6443
                insecure-skip-tls-verify: true
            contexts:
            - name: dev
              context:
                cluster: shared
                user: carol
                namespace: team-a
            """);
        File.WriteAllText(b, """
            apiVersion: v1
            kind: Config
            current-context: prod
            clusters:
            - name: shared
              cluster:
                server: https://10.9.9.9:6443
                insecure-skip-tls-verify: true
            - name: prod
              cluster:
                server: https://10.8.8.8:6443
                insecure-skip-tls-verify: true
            users:
            - name: carol
              user:
                token: token-of-carol-from-b
            - name: bob
              user:
                token: token-of-bob
            contexts:
            - name: dev
              context:
                cluster: prod
                user: bob
            - name: prod
              context:
                cluster: prod
                user: bob
            """);
        Variable = string.Join(Path.PathSeparator, a, "", Path.Combine(Directory, "missing.yaml"), b);
    }

    public string Directory { get; }

    /// <summary>The KUBECONFIG value: a, an empty entry, a missing file, b.</summary>
    public string Variable { get; }

    /// <summary>An environment with only KUBECONFIG set (no HOME, so ~/.kube/config cannot interfere).</summary>
    public string? Environment(string name) => name == "KUBECONFIG" ? Variable : null;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
