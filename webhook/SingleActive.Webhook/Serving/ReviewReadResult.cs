using SingleActive.Webhook.Admission;

namespace SingleActive.Webhook.Serving;

/// <summary>Either a usable AdmissionReview or the HTTP status and message that refuse the request.</summary>
public sealed record ReviewReadResult(AdmissionReview? Review, int StatusCode, string? Error)
{
    public static ReviewReadResult Ok(AdmissionReview review) => new(review, StatusCodes.Status200OK, null);

    public static ReviewReadResult Fail(int statusCode, string error) => new(null, statusCode, error);
}
