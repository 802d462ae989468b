using System.Net;
using Microsoft.Extensions.Options;

namespace SingleActive.Webhook.Serving;

/// <summary>Start-up validation of <see cref="ServerOptions"/>; messages name the flag.</summary>
public sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"--port (Server:Port) must be between 0 and 65535, got {options.Port}");
        }

        if (options.Bind is { Length: > 0 } bind && bind != "*" && !IsAddress(bind))
        {
            failures.Add($"--bind (Server:Bind) must be an IP address (IPv4 as four dotted numbers, or IPv6) or \"*\", got \"{bind}\"");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"--max-request-bytes (Server:MaxRequestBodyBytes) must be at least 1024, got {options.MaxRequestBodyBytes}");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"--shutdown-timeout (Server:ShutdownTimeout) must be positive, got {options.ShutdownTimeout}");
        }

        if (options.ShutdownDelay < TimeSpan.Zero || options.ShutdownDelay >= options.ShutdownTimeout)
        {
            failures.Add($"--shutdown-delay (Server:ShutdownDelay) must be at least 0 and below the shutdown timeout ({options.ShutdownTimeout}), got {options.ShutdownDelay}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// An IPv6 address, or an IPv4 address in its four-number form: <see cref="IPAddress.TryParse(string, out IPAddress)"/>
    /// also takes the inet_aton short forms, "1.2.3" for 1.2.0.3 or "10" for 0.0.0.10, which are typos far more often.
    /// </summary>
    private static bool IsAddress(string text) =>
        IPAddress.TryParse(text, out var address)
        && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || address.ToString() == text);
}
