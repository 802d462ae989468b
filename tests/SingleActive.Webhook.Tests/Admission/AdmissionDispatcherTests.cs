using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Tests.Admission;

public class AdmissionDispatcherTests
{
    private static readonly AdmissionRequest ServiceReview = new()
    {
        Uid = "1",
        Kind = new GroupVersionKind { Group = "", Version = "v1", Kind = "Service" },
        Operation = "CREATE",
        Namespace = "shop",
    };

    /// <summary>An advising handler's object is admitted whatever escapes it; the endpoint refuses any other handler's (its objects must never go in unchecked).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HandleAsync_HandlerThrows_AdmittedOnlyWhenItFailsOpen(bool failsOpen)
    {
        var dispatcher = new AdmissionDispatcher([new ThrowingHandler(failsOpen, new OutOfMemoryException("a huge list"))]);

        if (failsOpen)
        {
            var outcome = await dispatcher.HandleAsync(ServiceReview, default);
            Assert.Equal((true, Decisions.Skipped, null, null), (outcome.Allowed, outcome.Decision, outcome.Patch, outcome.Warnings));
        }
        else
        {
            await Assert.ThrowsAsync<OutOfMemoryException>(() => dispatcher.HandleAsync(ServiceReview, default));
        }
    }

    [Fact]
    public async Task HandleAsync_FailsOpenButTheRequestIsGone_TheCancellationGoesThrough()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var dispatcher = new AdmissionDispatcher([new ThrowingHandler(true, new OperationCanceledException(aborted.Token))]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatcher.HandleAsync(ServiceReview, aborted.Token));
    }

    private sealed class ThrowingHandler(bool failsOpen, Exception exception) : IResourceHandler
    {
        public bool FailsOpen => failsOpen;

        public bool CanHandle(GroupVersionKind kind) => true;

        public Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken) => Task.FromException<MutationResult>(exception);
    }
}
