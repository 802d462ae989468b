using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SingleActive.Webhook.Admission;

namespace SingleActive.Webhook.Tests.Serving;

/// <summary>The real server with a 64 KiB body limit and a <see cref="ScriptedAdmissionHandler"/>.</summary>
public sealed class ScriptedWebhookServer : WebhookServerFixture
{
    public const int BodyLimit = 64 * 1024;

    public ScriptedWebhookServer()
        : this(new ScriptedAdmissionHandler())
    {
    }

    private ScriptedWebhookServer(ScriptedAdmissionHandler handler)
        : base(
            ["--max-request-bytes", BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            services => services.Replace(ServiceDescriptor.Singleton<IAdmissionHandler>(handler)))
    {
        Handler = handler;
    }

    public ScriptedAdmissionHandler Handler { get; }
}
