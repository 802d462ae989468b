using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Hosting;

/// <summary>Turns a start-up exception into the one line an operator needs (which flag, which file, which port).</summary>
public static class StartupFailure
{
    public static string Describe(Exception exception) => exception switch
    {
        OptionsValidationException e => string.Join("; ", e.Failures),
        CertificateLoadException e => e.Message,
        IOException { InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } e =>
            $"the address is already in use (another server on the same --port?): {e.Message}",
        AggregateException { InnerExceptions.Count: 1 } e => Describe(e.InnerExceptions[0]),
        InvalidOperationException { InnerException: { } inner } e when inner is CertificateLoadException or OptionsValidationException =>
            Describe(inner) is var described && described != inner.Message ? described : e.Message,
        // The binder's own text names the options type and every unknown key (SettingsBinding.UnknownKeysFail).
        InvalidOperationException e when e.Message.Contains(nameof(BinderOptions.ErrorOnUnknownConfiguration), StringComparison.Ordinal) =>
            $"a setting is not known (misspelt?); docs/server.md, docs/injection.md (Injector) and docs/install.md (SelfSigned) list them: {e.Message}",
        InvalidOperationException e => e.Message,
        // Unexpected: the whole exception with its stack trace, for the bug report.
        _ => exception.ToString(),
    };
}
