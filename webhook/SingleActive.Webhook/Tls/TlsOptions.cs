namespace SingleActive.Webhook.Tls;

/// <summary>Serving certificate settings, section <c>Tls</c> (flags <c>--tls-cert-file</c>, <c>--tls-private-key-file</c>).</summary>
public sealed class TlsOptions
{
    public const string SectionName = "Tls";

    /// <summary>PEM certificate (chain), e.g. a mounted cert-manager Secret's <c>tls.crt</c>.</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key (PKCS#8, PKCS#1 or SEC1), e.g. <c>tls.key</c>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// How often the files are checked for new content. Polling (not a file watch) because the kubelet
    /// replaces a <c>..data</c> symlink, which inotify on the visible file never reports.
    /// </summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the no-flag local mode keeps its generated CA and certificate (default under the user's data directory).</summary>
    public string? LocalDirectory { get; set; }

    /// <summary>Set by the start-up code when it generated the local certificate; not a user setting.</summary>
    public string? LocalCaFile { get; set; }
}
