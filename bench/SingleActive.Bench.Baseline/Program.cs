using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SingleActive.Bench.Baseline;

// Same flags as the webhook so bench/run.sh starts both the same way.
var options = BaselineOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: single-active-bench-baseline --tls-cert-file FILE --tls-private-key-file FILE [--port 8443] [--response FILE]");
    return 2;
}

byte[]? response = null;
if (options.ResponseFile is { } responseFile)
{
    response = File.Exists(responseFile) ? File.ReadAllBytes(responseFile) : [];
    if (response.Length == 0)
    {
        Console.Error.WriteLine($"--response {responseFile}: no such file, or it is empty (it holds the answer to send, e.g. the load generator's --save-response)");
        return 2;
    }
}

using var certificate = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(https =>
    {
        https.ServerCertificate = certificate;
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
    }));
});

var app = builder.Build();
var responder = new FixedResponder(response);
app.MapPost("/mutate", responder.RespondAsync);
app.MapGet("/healthz", () => "ok");
Console.WriteLine($"baseline listening on https://127.0.0.1:{options.Port}/mutate");
await app.RunAsync();
return 0;
