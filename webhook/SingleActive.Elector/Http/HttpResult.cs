using System.Text;

namespace SingleActive.Elector.Http;

/// <summary>A complete response of the elector's tiny HTTP server.</summary>
public sealed record HttpResult(int StatusCode, string ContentType, byte[] Body)
{
    public const string TextPlain = "text/plain; charset=utf-8";

    public static HttpResult Text(int statusCode, string body) => new(statusCode, TextPlain, Encoding.UTF8.GetBytes(body));
}
