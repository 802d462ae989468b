using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Admission;

/// <summary>
/// Routes a request to the handler for its kind. A kind nobody handles is allowed untouched: it can only
/// reach us through a misconfigured webhook, and blocking it would fail objects that never opted in. A handler that
/// only advises (<see cref="IResourceHandler.FailsOpen"/>) admits its object unchanged whatever escapes it.
/// </summary>
public sealed class AdmissionDispatcher(IEnumerable<IResourceHandler> handlers) : IAdmissionHandler
{
    /// <summary>Made once: answering must not allocate after whatever made the handler fail (even running out of memory).</summary>
    private static readonly MutationResult FailedOpen = MutationResult.Skip("the handler failed; admitted unchanged (it only advises)");

    private readonly IResourceHandler[] handlers = [.. handlers];

    public Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind is { } kind)
        {
            foreach (var handler in this.handlers)
            {
                if (handler.CanHandle(kind))
                {
                    return handler.FailsOpen ? FailOpenAsync(handler, request, cancellationToken) : handler.HandleAsync(request, cancellationToken);
                }
            }
        }

        return Task.FromResult(MutationResult.Skip("no handler for this kind"));
    }

    private static async Task<MutationResult> FailOpenAsync(IResourceHandler handler, AdmissionRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.HandleAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return FailedOpen; // the handler logs what it can; nothing here that could throw again
        }
    }
}
