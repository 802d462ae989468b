namespace SingleActive.Webhook.Manifests;

/// <summary>Input that is not readable YAML or JSON; the message says where (document, line and column).</summary>
public sealed class ManifestFormatException(string message, Exception? inner = null) : Exception(message, inner);
