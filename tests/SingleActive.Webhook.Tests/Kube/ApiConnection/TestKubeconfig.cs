namespace SingleActive.Webhook.Tests.Kube.ApiConnection;

/// <summary>A one-cluster, one-user kubeconfig file, for tests of how the webhook connects.</summary>
internal static class TestKubeconfig
{
    /// <param name="clusterSetting">An extra line under <c>cluster:</c> (CA data or file, insecure-skip-tls-verify), or null.</param>
    public static string Write(string path, string server, string? clusterSetting, string token = "t")
    {
        var extra = clusterSetting is null ? "" : "\n    " + clusterSetting;
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: {server}{extra}
            users:
            - name: u
              user:
                token: {token}
            contexts:
            - name: x
              context:
                cluster: c
                user: u
            current-context: x
            """);
        return path;
    }
}
