using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Bench.Load;

/// <summary>One keep-alive HTTP/1.1 client over TLS, trusting only the given CA (or anything with --insecure).</summary>
public sealed class HttpTarget : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient client;
    private readonly Uri url;

    public HttpTarget(LoadOptions options)
    {
        url = options.Url;
        var ssl = new SslClientAuthenticationOptions();
        if (options.Insecure)
        {
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(LoadCa(options.CaFile!));
            ssl.CertificateChainPolicy = policy;
        }

        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            SslOptions = ssl,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        client = new HttpClient(handler)
        {
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Posts one body; returns the HTTP status and the response body.</summary>
    public async Task<(int Status, byte[] Body)> PostAsync(byte[] body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, bytes);
    }

    public void Dispose() => client.Dispose();

    private static X509Certificate2Collection LoadCa(string file)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(file);
        return collection;
    }
}
