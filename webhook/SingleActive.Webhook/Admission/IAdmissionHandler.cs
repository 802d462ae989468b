using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Admission;

/// <summary>Turns one admission request into a decision. Pure of HTTP; the server does the wire format.</summary>
public interface IAdmissionHandler
{
    Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
