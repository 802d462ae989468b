using SingleActive.Webhook.Admission;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>Turns a handler's <see cref="MutationResult"/> into the AdmissionReview the API server expects.</summary>
public static class AdmissionResponseFactory
{
    public const string JsonPatchType = "JSONPatch";

    /// <summary>Answers in the request's own apiVersion (v1beta1 callers get v1beta1 back) and echoes its uid.</summary>
    public static AdmissionReview Create(AdmissionReview request, MutationResult outcome)
    {
        var response = new AdmissionResponse
        {
            Uid = request.Request?.Uid ?? "",
            Allowed = outcome.Allowed,
        };

        if (!outcome.Allowed)
        {
            var internalError = outcome.Decision == Decisions.Error;
            response.Status = new AdmissionStatus
            {
                Code = internalError ? StatusCodes.Status500InternalServerError : StatusCodes.Status403Forbidden,
                Reason = internalError ? "InternalError" : "Forbidden",
                Message = string.IsNullOrWhiteSpace(outcome.Message) ? "denied by the single-active webhook" : outcome.Message,
            };
        }
        else if (!IsEmptyPatch(outcome.Patch))
        {
            response.Patch = outcome.Patch;
            response.PatchType = JsonPatchType;
        }

        if (outcome.Warnings is { Count: > 0 } warnings)
        {
            response.Warnings = [.. warnings];
        }

        return new AdmissionReview
        {
            ApiVersion = request.ApiVersion,
            Kind = AdmissionReviewReader.ReviewKind,
            Response = response,
        };
    }

    /// <summary>No bytes, or an empty JSON array: the API server needs no patch (and v1 rejects a patchType without one).</summary>
    public static bool IsEmptyPatch(byte[]? patch)
    {
        if (patch is null)
        {
            return true;
        }

        var span = patch.AsSpan().Trim(" \t\r\n"u8);
        return span.IsEmpty || span.SequenceEqual("[]"u8);
    }
}
