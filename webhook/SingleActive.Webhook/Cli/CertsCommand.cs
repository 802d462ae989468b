using System.Globalization;
using System.Net;
using System.Text;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Cli;

/// <summary>
/// <c>certs --out DIR [--service NAME --namespace NS] [--dns X]... [--ip Y]... [--days N]</c>: writes a new CA and
/// a serving certificate as cert-manager lays out a TLS Secret (tls.crt, tls.key, ca.crt), for clusters
/// without cert-manager: <c>kubectl create secret generic ... --from-file=DIR</c>, caBundle = ca.crt.
/// </summary>
public static class CertsCommand
{
    public const string Usage = """
        Usage: single-active-webhook certs --out DIR [--service NAME --namespace NS] [--dns NAME]... [--ip ADDRESS]... [--days N]
          --out DIR        directory for tls.crt, tls.key and ca.crt (created if missing; existing files are replaced)
          --service NAME   the webhook's Service; adds NAME, NAME.NS, NAME.NS.svc and NAME.NS.svc.cluster.local
          --namespace NS   the Service's namespace (default "default")
          --dns NAME       an extra DNS name (repeatable)
          --ip ADDRESS     an extra IP address (repeatable)
          --days N         validity of the CA and the certificate in days (default 365)
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!TryParse(args, out var request, out var problem))
        {
            error.WriteLine($"single-active-webhook certs: {problem}\n\n{Usage}");
            return 2;
        }

        IReadOnlyList<string> written;
        try
        {
            using var bundle = CertificateFactory.CreateBundle(request.DnsNames, request.IpAddresses, TimeSpan.FromDays(request.Days));
            written = bundle.WriteTo(request.OutputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"single-active-webhook certs: cannot write to \"{request.OutputDirectory}\": {e.Message}");
            return 1;
        }

        var names = string.Join(", ", request.DnsNames.Concat(request.IpAddresses.Select(ip => ip.ToString())));
        output.WriteLine($"Wrote a CA and a certificate for {names}, valid {request.Days} days:");
        foreach (var path in written)
        {
            output.WriteLine($"  {path}");
        }

        var caBundle = Convert.ToBase64String(Encoding.ASCII.GetBytes(File.ReadAllText(Path.Combine(request.OutputDirectory, CertificateBundle.CaFileName))));
        output.WriteLine($"caBundle for the MutatingWebhookConfiguration (base64 of ca.crt):\n{caBundle}");
        return 0;
    }

    /// <summary>Parses the arguments; the service names come first, in the order Kubernetes clients try them.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out CertsRequest request, out string problem)
    {
        request = new CertsRequest("", [], [], 365);
        problem = "";
        string? output = null, service = null, ns = null;
        var dns = new List<string>();
        var ips = new List<IPAddress>();
        var days = 365;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                problem = "help requested";
                return false;
            }

            if (i + 1 >= args.Count)
            {
                problem = flag.StartsWith('-') ? $"flag {flag} needs a value" : $"unexpected argument \"{flag}\"";
                return false;
            }

            var value = args[++i];
            switch (flag)
            {
                case "--out": output = value; break;
                case "--service": service = value; break;
                case "--namespace": ns = value; break;
                case "--dns": dns.Add(value); break;
                case "--ip" when IPAddress.TryParse(value, out var ip): ips.Add(ip); break;
                case "--ip": problem = $"--ip \"{value}\" is not an IP address"; return false;
                case "--days" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is > 0 and <= 36500: days = d; break;
                case "--days": problem = $"--days must be a whole number from 1 to 36500, got \"{value}\""; return false;
                default: problem = $"unknown flag \"{flag}\""; return false;
            }
        }

        if (string.IsNullOrWhiteSpace(output))
        {
            problem = "--out DIR is required";
            return false;
        }

        if (ns is not null && service is null)
        {
            problem = "--namespace only applies together with --service";
            return false;
        }

        var names = new List<string>();
        if (service is not null)
        {
            ns ??= "default";
            names.AddRange([service, $"{service}.{ns}", $"{service}.{ns}.svc", $"{service}.{ns}.svc.cluster.local"]);
        }

        names.AddRange(dns);
        if (names.Count == 0 && ips.Count == 0)
        {
            problem = "name at least one of --service, --dns or --ip";
            return false;
        }

        request = new CertsRequest(output, names, ips, days);
        return true;
    }
}
