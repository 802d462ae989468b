using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Admission;

/// <summary>
/// Routes a request to the handler for its kind. A kind nobody handles is allowed untouched: it can only
/// reach us through a misconfigured webhook, and blocking it would fail objects that never opted in.
/// </summary>
public sealed class AdmissionDispatcher(IEnumerable<IResourceHandler> handlers) : IAdmissionHandler
{
    private readonly IResourceHandler[] handlers = [.. handlers];

    public Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind is { } kind)
        {
            foreach (var handler in this.handlers)
            {
                if (handler.CanHandle(kind))
                {
                    return handler.HandleAsync(request, cancellationToken);
                }
            }
        }

        return Task.FromResult(MutationResult.Skip("no handler for this kind"));
    }
}
