using System.CommandLine;
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
    private const string Prefix = WebhookCommands.Name + " certs: ";

    private const string Description = """
        Write a new CA and a serving certificate as cert-manager lays out a TLS Secret (tls.crt, tls.key, ca.crt),
        and print the caBundle for the MutatingWebhookConfiguration. Then:
        kubectl -n NS create secret generic NAME-tls --from-file=DIR
        """;

    /// <summary>Runs <c>certs</c> as the binary does; <paramref name="args"/> may start with "certs" or not.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new WebhookCommands(TextReader.Null, output, error).Run(args is ["certs", ..] ? args : ["certs", .. args]);
    }

    /// <summary>The <c>certs</c> subcommand: its options, and the action that runs <see cref="Execute"/>.</summary>
    internal static Command Create(TextWriter output, TextWriter error)
    {
        var arguments = new CertsArguments();
        var command = new Command("certs", Description);
        arguments.AddTo(command);
        command.SetAction(parse => Execute(arguments.Read(parse), output, error));
        return command;
    }

    /// <summary>Writes the files of a parsed <paramref name="request"/>: 0 written, 1 the directory cannot be written.</summary>
    public static int Execute(CertsRequest request, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        IReadOnlyList<string> written;
        try
        {
            using var bundle = CertificateFactory.CreateBundle(request.DnsNames, request.IpAddresses, TimeSpan.FromDays(request.Days));
            written = bundle.WriteTo(request.OutputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{Prefix}cannot write to \"{request.OutputDirectory}\": {e.Message}");
            return ExitCodes.Failed;
        }

        var names = string.Join(", ", request.DnsNames.Concat(request.IpAddresses.Select(ip => ip.ToString())));
        output.WriteLine($"Wrote a CA and a certificate for {names}, valid {request.Days} days:");
        foreach (var path in written)
        {
            output.WriteLine($"  {path}");
        }

        var caBundle = Convert.ToBase64String(Encoding.ASCII.GetBytes(File.ReadAllText(Path.Combine(request.OutputDirectory, CertificateBundle.CaFileName))));
        output.WriteLine($"caBundle for the MutatingWebhookConfiguration (base64 of ca.crt):\n{caBundle}");
        return ExitCodes.Ok;
    }
}

