using System.Globalization;
using Microsoft.Extensions.Configuration;
using SingleActive.Contract;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Serving;
using SingleActive.Webhook.Tls;
using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Hosting;

/// <summary>
/// The server's time settings read the way the rest of the product writes durations (<c>25s</c>, <c>1m30s</c>, <c>2h</c>),
/// and .NET's <c>hh:mm:ss</c> form the help shows defaults in. The configuration binder alone reads <c>TimeSpan</c> with
/// <see cref="TimeSpan.Parse(string)"/>, where <c>25</c> means 25 days and <c>25s</c> fails with a type-conversion message
/// that names no flag. A bare number other than 0 is refused: earlier releases read it (through the binder) as days, the
/// annotations read it as seconds, and a setting such as <c>--SelfSigned:CaValidity=1825</c> must not silently turn from
/// five years into half an hour.
/// </summary>
public static class DurationSettings
{
    /// <summary>Every <c>TimeSpan</c> setting of the server's options (<c>DurationSettingsTests</c> holds the list to the types).</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        $"{ServerOptions.SectionName}:{nameof(ServerOptions.ShutdownTimeout)}",
        $"{ServerOptions.SectionName}:{nameof(ServerOptions.ShutdownDelay)}",
        $"{TlsOptions.SectionName}:{nameof(TlsOptions.ReloadInterval)}",
        $"{ClusterOptions.SectionName}:{nameof(ClusterOptions.VersionRefreshInterval)}",
        $"{ProvisioningOptions.SectionName}:{nameof(ProvisioningOptions.CacheTtl)}",
        $"{ProvisioningOptions.SectionName}:{nameof(ProvisioningOptions.Timeout)}",
        $"{ProvisioningOptions.SectionName}:{nameof(ProvisioningOptions.TokenSecretWait)}",
        $"{SelfSignedOptions.SectionName}:{nameof(SelfSignedOptions.CaValidity)}",
        $"{SelfSignedOptions.SectionName}:{nameof(SelfSignedOptions.CertificateValidity)}",
        $"{SelfSignedOptions.SectionName}:{nameof(SelfSignedOptions.PollInterval)}",
        $"{SelfSignedOptions.SectionName}:{nameof(SelfSignedOptions.LeaseDuration)}",
        $"{SelfSignedOptions.SectionName}:{nameof(SelfSignedOptions.StartupTimeout)}",
    ];

    /// <summary>
    /// Adds, over every other source, each time setting <paramref name="configuration"/> has in the form the binder reads
    /// (<c>d.hh:mm:ss</c>). Call it after the last source.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value is no duration; the message names each such flag or key and its value.</exception>
    public static void Normalize(ConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var normalized = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var key in Keys)
        {
            if (configuration[key] is not { } text)
            {
                continue;
            }

            if (IsBareNumber(text, out var number))
            {
                problems.Add($"{ServerCommandLine.NameOf(key)} is \"{text}\", a number without a unit: write {number}s for seconds{(number.Contains('.', StringComparison.Ordinal) ? "" : $" or {number}.00:00:00 for days")} (earlier releases read a bare number as days)");
            }
            else if (TryParse(text, out var value))
            {
                normalized[key] = value.ToString("c", CultureInfo.InvariantCulture);
            }
            else
            {
                problems.Add($"{ServerCommandLine.NameOf(key)} is \"{text}\": expected a duration such as 25s, 1m30s or 2h, or hh:mm:ss such as 00:00:25");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", problems));
        }

        configuration.AddInMemoryCollection(normalized);
    }

    /// <summary>
    /// <c>25s</c>, <c>1m30s</c>, <c>25</c> (seconds, as in an annotation), or with a colon .NET's <c>[d.]hh:mm:ss</c>.
    /// <see cref="Normalize"/> refuses the bare number before it gets here.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains(':', StringComparison.Ordinal)
            ? TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero
            : Duration.TryParseAnyLength(text, out value);
    }

    /// <summary>Digits (and a decimal point) alone, not zero: a value whose unit earlier releases and the annotations disagree on.</summary>
    private static bool IsBareNumber(string text, out string number)
    {
        number = text.Trim();
        return number.Length > 0
            && number.All(c => char.IsAsciiDigit(c) || c == '.')
            && number.Any(c => c is >= '1' and <= '9');
    }
}
