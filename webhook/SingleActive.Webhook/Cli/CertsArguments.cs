using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using SingleActive.Contract;

namespace SingleActive.Webhook.Cli;

/// <summary><c>certs</c>'s options and the <see cref="CertsRequest"/> they parse to; every problem names the flag.</summary>
internal sealed class CertsArguments
{
    public const int DefaultDays = 365;

    public Option<string?> Output { get; } = LastValueOption.Text(
        "--out", "DIR", "directory for tls.crt, tls.key and ca.crt (created if missing; existing files are replaced)");

    public Option<string?> Service { get; } = LastValueOption.Text(
        "--service", "NAME", "the webhook's Service; adds NAME, NAME.NS, NAME.NS.svc and NAME.NS.svc.cluster.local");

    public Option<string?> Namespace { get; } = LastValueOption.Text("--namespace", "NS", "the Service's namespace (default \"default\")");

    public Option<List<string>> DnsNames { get; } = new("--dns") { Description = "an extra DNS name (repeatable)", HelpName = "NAME" };

    public Option<List<IPAddress>> IpAddresses { get; } = new("--ip")
    {
        Description = "an extra IP address (repeatable)",
        HelpName = "ADDRESS",
        CustomParser = ParseAddresses,
    };

    public Option<int> Days { get; } = WithDefault(LastValueOption.Create<int>(
        "--days", "N", "validity of the CA and the certificate in days", [], TryParseDays,
        value => $"--days must be a whole number from 1 to 36500, got \"{value}\""));

    /// <summary>Adds the options, and the checks that span them, to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Output, Service, Namespace, DnsNames, IpAddresses, Days })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(Validate);
    }

    /// <summary>The request; the service names come first, in the order Kubernetes clients try them.</summary>
    public CertsRequest Read(ParseResult parse)
    {
        var names = new List<string>();
        if (parse.GetValue(Service) is { } service)
        {
            var ns = parse.GetValue(Namespace) ?? "default";
            names.AddRange([service, $"{service}.{ns}", $"{service}.{ns}.svc", $"{service}.{ns}.svc.cluster.local"]);
        }

        names.AddRange(parse.GetValue(DnsNames) ?? []);
        return new CertsRequest(parse.GetValue(Output)!, names, parse.GetValue(IpAddresses) ?? [], parse.GetValue(Days));
    }

    // One problem at a time, the first in this order, as the command always reported them. A command validator's
    // error stops System.CommandLine's checks of the options, so an --out without its value is left to those.
    private void Validate(CommandResult result)
    {
        if (result.GetResult(Output) is { Tokens.Count: 0 })
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(Last(result, Output)))
        {
            result.AddError("--out DIR is required");
        }
        else if (result.GetResult(Namespace) is not null && result.GetResult(Service) is null)
        {
            result.AddError("--namespace only applies together with --service");
        }
        else if (Last(result, Service) is { } service && !(KubernetesNames.IsDnsLabel(service) && char.IsAsciiLetterLower(service[0])))
        {
            result.AddError($"--service \"{service}\" is not a Service name (lowercase letters, digits and '-', at most 63, starting with a letter and ending with a letter or digit)");
        }
        else if (Last(result, Namespace) is { } ns && !KubernetesNames.IsDnsLabel(ns))
        {
            result.AddError($"--namespace \"{ns}\" is not a namespace name (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)");
        }
        else if (result.GetResult(DnsNames)?.Tokens.FirstOrDefault(t => !IsDnsName(t.Value)) is { } dns)
        {
            result.AddError($"--dns \"{dns.Value}\" is not a DNS name (dot-separated labels of letters, digits and '-', each starting and ending with a letter or digit, at most 253 in all; \"*.\" may lead for a wildcard)");
        }
        else if (result.GetResult(Service) is null && result.GetResult(DnsNames) is null && result.GetResult(IpAddresses) is null)
        {
            result.AddError("name at least one of --service, --dns or --ip");
        }
    }

    /// <summary>A name a certificate's DNS SAN can carry: an RFC 1123 subdomain in any case, or a wildcard "*." before one.</summary>
    private static bool IsDnsName(string name) =>
        KubernetesNames.IsDnsSubdomain((name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name).ToLowerInvariant());

    private static string? Last(CommandResult result, Option option) =>
        result.GetResult(option)?.Tokens is { Count: > 0 } tokens ? tokens[^1].Value : null;

    private static List<IPAddress> ParseAddresses(ArgumentResult result)
    {
        var addresses = new List<IPAddress>();
        foreach (var token in result.Tokens)
        {
            if (!IPAddress.TryParse(token.Value, out var address))
            {
                result.AddError($"--ip \"{token.Value}\" is not an IP address");
                return [];
            }

            addresses.Add(address);
        }

        return addresses;
    }

    private static bool TryParseDays(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value is > 0 and <= 36500;

    private static Option<int> WithDefault(Option<int> days)
    {
        days.DefaultValueFactory = _ => DefaultDays;
        return days;
    }
}
