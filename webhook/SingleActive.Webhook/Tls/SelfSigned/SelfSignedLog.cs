using Microsoft.Extensions.Logging;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>Log messages of the self-signed mode; event ids 5301-5399 are stable.</summary>
internal static partial class SelfSignedLog
{
    [LoggerMessage(EventId = EventIds.SelfSignedStarted, Level = LogLevel.Information, Message = "Self-signed mode: certificates in Secret {Secret}, caBundle of MutatingWebhookConfiguration {Configuration}, writer elected by Lease {Lease} as {Identity}")]
    public static partial void Started(ILogger logger, string secret, string configuration, string lease, string identity);

    [LoggerMessage(EventId = EventIds.CertificateWriterElected, Level = LogLevel.Information, Message = "This replica is now the certificate writer (Lease {Lease})")]
    public static partial void BecameWriter(ILogger logger, string lease);

    [LoggerMessage(EventId = EventIds.CertificateWriterStopped, Level = LogLevel.Information, Message = "This replica is no longer the certificate writer (Lease {Lease})")]
    public static partial void StoppedWriting(ILogger logger, string lease);

    [LoggerMessage(EventId = EventIds.SelfSignedSecretWritten, Level = LogLevel.Information, Message = "Wrote Secret {Secret} ({Action}): serving certificate valid until {NotAfter:O}, renewal from {RenewAt:O}; CA valid until {CaNotAfter:O}")]
    public static partial void Issued(ILogger logger, string secret, RenewalAction action, DateTimeOffset notAfter, DateTimeOffset renewAt, DateTimeOffset caNotAfter);

    [LoggerMessage(EventId = EventIds.CaBundlePatched, Level = LogLevel.Information, Message = "Patched the caBundle of {Count} webhook(s) in MutatingWebhookConfiguration {Configuration}")]
    public static partial void CaBundlePatched(ILogger logger, int count, string configuration);

    [LoggerMessage(EventId = EventIds.SelfSignedServing, Level = LogLevel.Information, Message = "Serving the certificate from Secret {Secret}: {Subject}, valid until {NotAfter:O}, thumbprint {Thumbprint}")]
    public static partial void Serving(ILogger logger, string secret, string subject, DateTime notAfter, string thumbprint);

    [LoggerMessage(EventId = EventIds.WebhookConfigurationMissing, Level = LogLevel.Warning, Message = "MutatingWebhookConfiguration {Configuration} does not exist; its caBundle will be set once it does")]
    public static partial void ConfigurationMissing(ILogger logger, string configuration);

    [LoggerMessage(EventId = EventIds.SelfSignedPollFailed, Level = LogLevel.Warning, Message = "Self-signed certificate poll failed: {Problem}")]
    public static partial void PollFailed(ILogger logger, string problem, Exception? exception);

    [LoggerMessage(EventId = EventIds.SelfSignedSecretUnusable, Level = LogLevel.Warning, Message = "Secret {Secret} is not usable ({Problem}); the certificate writer replaces it")]
    public static partial void SecretUnusable(ILogger logger, string secret, string problem);

    [LoggerMessage(EventId = EventIds.CertificateWriterReleased, Level = LogLevel.Information, Message = "Released the certificate writer Lease {Lease}")]
    public static partial void Released(ILogger logger, string lease);
}
