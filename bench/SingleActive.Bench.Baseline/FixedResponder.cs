using System.Buffers;
using System.Text;

namespace SingleActive.Bench.Baseline;

/// <summary>
/// Reads the whole request body (as the webhook must before it can decide) and answers with one
/// precomputed AdmissionReview: the cost of transport, TLS and body handling and nothing more.
/// </summary>
/// <param name="response">The answer's bytes; by default a small AdmissionReview that allows without a patch.</param>
public sealed class FixedResponder(byte[]? response = null)
{
    private static readonly byte[] SmallResponse = Encoding.UTF8.GetBytes(
        """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"00000000-0000-0000-0000-000000000000","allowed":true}}""");

    private readonly byte[] response = response ?? SmallResponse;

    public async Task RespondAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var body = context.Request.Body;
            while (await body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = response.Length;
        await context.Response.Body.WriteAsync(response, context.RequestAborted);
    }
}
