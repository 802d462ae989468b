
namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>
/// Either a usable AdmissionReview (in the body it was read from, which holds its raw objects) or the HTTP status
/// and message that refuse the request.
/// </summary>
public sealed record ReviewReadResult(AdmissionReviewDocument? Document, int StatusCode, string? Error)
{
    public AdmissionReview? Review => Document?.Review;

    public static ReviewReadResult Ok(AdmissionReviewDocument document) => new(document, StatusCodes.Status200OK, null);

    public static ReviewReadResult Fail(int statusCode, string error) => new(null, statusCode, error);
}
