namespace SingleActive.Webhook.Tls;

/// <summary>Where the local-mode certificate files are, and whether they were just created, renewed or reused.</summary>
public sealed record LocalCertificates(string Directory, string CertFile, string KeyFile, string CaFile, LocalCertificateAction Action);
