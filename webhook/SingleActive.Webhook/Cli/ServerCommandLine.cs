using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Cli;

/// <summary>The server's flags and the configuration keys they set (any key also works as <c>--Section:Key=value</c> or env <c>Section__Key</c>).</summary>
public static class ServerCommandLine
{
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--tls-cert-file"] = "Tls:CertFile",
        ["--tls-private-key-file"] = "Tls:KeyFile",
        ["--cert-reload-interval"] = "Tls:ReloadInterval",
        ["--local-tls-dir"] = "Tls:LocalDirectory",
        ["--port"] = "Server:Port",
        ["--bind"] = "Server:Bind",
        ["--max-request-bytes"] = "Server:MaxRequestBodyBytes",
        ["--shutdown-timeout"] = "Server:ShutdownTimeout",
        ["--shutdown-delay"] = "Server:ShutdownDelay",
        ["--kubeconfig"] = "Cluster:Kubeconfig",
    }.Concat(SelfSignedServiceCollectionExtensions.SwitchMappings).ToDictionary(StringComparer.Ordinal);

    public const string Usage = """
        Usage:
          single-active-webhook [flags]                     serve the admission webhook over HTTPS
          single-active-webhook certs --out DIR [options]   write a CA and serving certificate (tls.crt, tls.key, ca.crt)
          single-active-webhook inject -f FILE|-            inject manifests offline

        Flags:
          --tls-cert-file FILE          PEM certificate (e.g. a cert-manager Secret's tls.crt); reloaded when it changes
          --tls-private-key-file FILE   PEM private key (tls.key)
          --port N                      HTTPS port (default 8443)
          --bind ADDRESS                IP address to listen on, or * for all (default: all with certificate flags or --self-signed-secret, else 127.0.0.1)
          --kubeconfig FILE             Kubernetes API credentials (default: KUBECONFIG, else in-cluster config)
          --max-request-bytes N         largest accepted request body (default 3145728)
          --shutdown-timeout T          time for in-flight requests after SIGTERM (default 00:00:25)
          --shutdown-delay T            time between failing /readyz and closing the listener (default 0)
          --cert-reload-interval T      how often certificate files are checked (default 00:00:02)
          --local-tls-dir DIR           where the no-flag local mode keeps its CA (default ~/.local/share/single-active/local-tls)
          --self-signed-secret NAME     in-cluster self-signed mode: CA and certificate kept in this Secret (see docs/install.md)
          --webhook-config NAME         self-signed mode: MutatingWebhookConfiguration whose caBundle is kept current
          --service NAME                self-signed mode: Service the certificate is issued for
          --namespace NS                self-signed mode: namespace of Service, Secret and Lease (default env POD_NAMESPACE)
          --Section:Key=value           any other setting (see docs/server.md)

        With no certificate flags, a local CA and a certificate for 127.0.0.1/localhost/::1 are generated
        (or reused) and the server listens on https://127.0.0.1:8443.
        """;

    /// <summary>How a message names configuration key <paramref name="key"/>: "--port (Server:Port)" for a flag's, else "--Section:Key".</summary>
    public static string NameOf(string key) =>
        SwitchMappings.FirstOrDefault(m => string.Equals(m.Value, key, StringComparison.OrdinalIgnoreCase)).Key is { } flag
            ? $"{flag} ({key})"
            : $"--{key}";

    /// <summary>Null when every argument is a known flag (with a value) or a <c>--Section:Key</c> setting; else the problem.</summary>
    public static string? FindProblem(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (SwitchMappings.ContainsKey(name))
            {
                if (!arg.Contains('=', StringComparison.Ordinal))
                {
                    if (i + 1 >= args.Count)
                    {
                        return $"flag {name} needs a value";
                    }

                    i++;
                }

                continue;
            }

            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal))
            {
                i += arg.Contains('=', StringComparison.Ordinal) ? 0 : 1;
                continue;
            }

            return $"unknown argument \"{arg}\"";
        }

        return null;
    }
}
