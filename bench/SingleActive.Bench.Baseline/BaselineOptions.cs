using System.Globalization;

namespace SingleActive.Bench.Baseline;

/// <summary>
/// The webhook's TLS/port flags, and <c>--response FILE</c>: answer with that file's bytes instead of the small fixed
/// AdmissionReview (to measure the ceiling for an answer as large as the webhook's injected one).
/// </summary>
public sealed record BaselineOptions(string CertFile, string KeyFile, int Port, string? ResponseFile = null)
{
    public static BaselineOptions? Parse(string[] args)
    {
        string? cert = null, key = null, response = null;
        var port = 8443;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--tls-cert-file": cert = args[i + 1]; break;
                case "--tls-private-key-file": key = args[i + 1]; break;
                case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--response": response = args[i + 1]; break;
                default: return null;
            }
        }

        return cert is null || key is null ? null : new BaselineOptions(cert, key, port, response);
    }
}
