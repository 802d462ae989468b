namespace SingleActive.E2E.Tests.Support;

/// <summary>A kubeconfig for one bearer token against the test API server (what a projected token volume gives a pod).</summary>
public static class KubeconfigFile
{
    public static async Task<string> WriteAsync(string path, string server, string caFile, string user, string token, string? ns, CancellationToken cancellationToken = default)
    {
        var ca = Convert.ToBase64String(await File.ReadAllBytesAsync(caFile, cancellationToken));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {server}
                certificate-authority-data: {ca}
            users:
            - name: {user}
              user:
                token: {token}
            contexts:
            - name: local
              context:
                cluster: local
                user: {user}
                namespace: {ns ?? "default"}
            current-context: local

            """, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
