using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Hosting;

/// <summary>Turns a start-up exception into the one line an operator needs (which flag, which file, which port).</summary>
public static partial class StartupFailure
{
    public static string Describe(Exception exception) => exception switch
    {
        OptionsValidationException e => string.Join("; ", e.Failures),
        CertificateLoadException e => e.Message,
        // Kestrel reports a taken port as an IOException naming the address, over its AddressInUseException over the
        // SocketException; an address it cannot bind as the bare SocketException.
        _ when ListenFailure(exception) is { } listen => listen,
        AggregateException { InnerExceptions.Count: 1 } e => Describe(e.InnerExceptions[0]),
        InvalidOperationException { InnerException: { } inner } e when inner is CertificateLoadException or OptionsValidationException =>
            Describe(inner) is var described && described != inner.Message ? described : e.Message,
        // The binder's own text names the options type and every unknown key (SettingsBinding.UnknownKeysFail).
        InvalidOperationException e when e.Message.Contains(nameof(BinderOptions.ErrorOnUnknownConfiguration), StringComparison.Ordinal) =>
            $"a setting is not known (misspelt?); docs/server.md, docs/injection.md (Injector) and docs/install.md (SelfSigned) list them: {e.Message}",
        // The binder's "Failed to convert configuration value 'abc' at 'Server:Port' to type 'System.Int32'.", named as a flag.
        InvalidOperationException e when ConversionFailure().Match(e.Message) is { Success: true } failed =>
            $"{ServerCommandLine.NameOf(failed.Groups["key"].Value)} is \"{failed.Groups["value"].Value}\": expected {Expected(failed.Groups["type"].Value)}",
        InvalidOperationException e => e.Message,
        // Unexpected: the whole exception with its stack trace, for the bug report.
        _ => exception.ToString(),
    };

    /// <summary>
    /// Why the listener could not be opened, with the flag to change; null when <paramref name="exception"/> is not one
    /// of the bind errors (in use, not an address of this host, a privileged port).
    /// </summary>
    private static string? ListenFailure(Exception exception)
    {
        // A call that failed (the API server unreachable in self-signed mode) is no listener's failure.
        var socket = Innermost<SocketException>(exception);
        if (socket is null || Innermost<HttpRequestException>(exception) is not null)
        {
            return null;
        }

        // The outermost message names the address when Kestrel wrapped the error ("Failed to bind to address https://…").
        var where = exception is IOException ? $" ({exception.Message.TrimEnd('.')})" : "";
        return socket.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse =>
                $"the address is already in use{where}: another server listens on that --port (Server:Port) and address; stop it or choose another port",
            SocketError.AddressNotAvailable =>
                $"--bind (Server:Bind) is not an address of this host{where}: bind one of its addresses, or \"*\" for all",
            SocketError.AccessDenied =>
                $"not allowed to listen on that --port (Server:Port){where}: ports below 1024 need root or CAP_NET_BIND_SERVICE; choose 1024 or above (the default is 8443)",
            _ => null,
        };
    }

    private static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Boolean" => "true or false",
        _ => $"a value of type {type}",
    };

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();

    private static T? Innermost<T>(Exception? exception)
        where T : Exception
    {
        T? found = null;
        for (; exception is not null; exception = exception.InnerException)
        {
            found = exception as T ?? found;
        }

        return found;
    }
}
