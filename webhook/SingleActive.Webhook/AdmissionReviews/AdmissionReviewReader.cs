using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>
/// Reads and checks the body of <c>POST /mutate</c>. Every refusal is a 4xx with a message that names the
/// problem; nothing a client sends can make it throw.
/// </summary>
public static class AdmissionReviewReader
{
    public const string ApiVersionV1 = "admission.k8s.io/v1";
    public const string ApiVersionV1Beta1 = "admission.k8s.io/v1beta1";
    public const string ReviewKind = "AdmissionReview";

    /// <summary>How far past the limit a body is still read (and dropped) to answer 413 cleanly.</summary>
    private const int DrainFactor = 4;

    /// <summary>Deeper documents are refused (Kubernetes objects nest far less; the default is 64).</summary>
    internal const int MaxDepth = 128;

    private const string Expected = "expected an AdmissionReview (admission.k8s.io/v1 or v1beta1) as JSON";

    public static async Task<ReviewReadResult> ReadAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (request.ContentLength == 0 || !canHaveBody)
        {
            return ReviewReadResult.Fail(StatusCodes.Status400BadRequest, $"request body is empty; {Expected}");
        }

        if (!IsJson(request.ContentType))
        {
            var given = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type \"{request.ContentType}\"";
            return ReviewReadResult.Fail(StatusCodes.Status415UnsupportedMediaType, $"{given}; {Expected} with Content-Type application/json");
        }

        // An oversize body is read and dropped up to a bound, so the client gets the 413 instead of a reset
        // connection while it is still sending; beyond the bound the connection is closed.
        var drainLimit = maxBodyBytes * DrainFactor;
        if (request.ContentLength > drainLimit)
        {
            CloseAfterResponse(request);
            return TooLarge(maxBodyBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = drainLimit;
        }

        var reader = request.BodyReader;
        ReadResult read;
        long dropped = 0;
        try
        {
            while (true)
            {
                read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (read.IsCanceled && !read.IsCompleted)
                {
                    // Not our cancellation (that throws): Kestrel cancels pending reads when it stops
                    // processing further requests on SIGTERM. The body of the request in flight is still
                    // arriving, so keep reading instead of parsing half of it.
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    continue;
                }

                if (dropped > 0 || read.Buffer.Length > maxBodyBytes)
                {
                    dropped += read.Buffer.Length;
                    reader.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted)
                    {
                        return TooLarge(maxBodyBytes);
                    }

                    continue;
                }

                if (read.IsCompleted)
                {
                    break;
                }

                // Nothing consumed, everything examined: wait for more data on top of what is buffered.
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            CloseAfterResponse(request);
            return TooLarge(maxBodyBytes);
        }
        catch (BadHttpRequestException e)
        {
            return ReviewReadResult.Fail(StatusCodes.Status400BadRequest, $"request body cannot be read: {e.Message}");
        }

        try
        {
            return Parse(read.Buffer);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    /// <summary>Parses and checks a complete body; public for tests and the offline tools.</summary>
    public static ReviewReadResult Parse(ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            return ReviewReadResult.Fail(StatusCodes.Status400BadRequest, $"request body is empty; {Expected}");
        }

        AdmissionReviewDocument? document;
        try
        {
            document = AdmissionReviewDocument.Parse(body, MaxDepth);
        }
        catch (JsonException e)
        {
            return ReviewReadResult.Fail(StatusCodes.Status400BadRequest, $"request body is not a valid AdmissionReview: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // Raised for some malformed documents (e.g. invalid UTF-8 inside a string that is read).
            return ReviewReadResult.Fail(StatusCodes.Status400BadRequest, $"request body is not valid JSON: {e.Message}");
        }

        if (document is null)
        {
            return ReviewReadResult.Fail(StatusCodes.Status400BadRequest, $"request body is JSON null; {Expected}");
        }

        var problem = Check(document.Review);
        if (problem is not null)
        {
            return ReviewReadResult.Fail(StatusCodes.Status400BadRequest, problem);
        }

        return ReviewReadResult.Ok(document);
    }

    private static string? Check(AdmissionReview review)
    {
        if (review.Kind != ReviewKind || (review.ApiVersion != ApiVersionV1 && review.ApiVersion != ApiVersionV1Beta1))
        {
            return $"request body has apiVersion \"{review.ApiVersion}\" and kind \"{review.Kind}\"; {Expected}";
        }

        if (review.Request is null)
        {
            return "AdmissionReview has no \"request\"";
        }

        return string.IsNullOrEmpty(review.Request.Uid) ? "AdmissionReview request has no \"uid\"" : null;
    }

    /// <summary>HTTP/1.1 only: HTTP/2 has no Connection header, and the unread stream is simply reset.</summary>
    private static void CloseAfterResponse(HttpRequest request)
    {
        if (HttpProtocol.IsHttp11(request.Protocol))
        {
            request.HttpContext.Response.Headers.Connection = "close";
        }
    }

    private static ReviewReadResult TooLarge(long maxBodyBytes) => ReviewReadResult.Fail(
        StatusCodes.Status413PayloadTooLarge,
        $"request body is larger than the limit of {maxBodyBytes} bytes (--max-request-bytes)");

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
