using SingleActive.Webhook.Tests.Serving;

namespace SingleActive.Webhook.Tests.Robustness;

/// <summary>The real server with logging at Error: 100,000 refused requests would otherwise be 100,000 warnings on the console.</summary>
public sealed class QuietWebhookServer() : WebhookServerFixture(
    ["--Logging:LogLevel:Default=None", "--Logging:LogLevel:SingleActive=None", "--Logging:LogLevel:Microsoft=None"], null);
