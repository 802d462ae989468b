namespace SingleActive.Webhook.Tls;

/// <summary>A certificate or key file that cannot be used; the message names the file and the problem.</summary>
public sealed class CertificateLoadException(string message, Exception? inner = null) : Exception(message, inner);
