using System.Collections.Concurrent;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>Test double: records every request; throws <see cref="Failure"/> when set.</summary>
public sealed class RecordingServiceAccountProvisioner : IServiceAccountProvisioner
{
    private readonly ConcurrentQueue<ServiceAccountRequest> requests = new();

    public IReadOnlyCollection<ServiceAccountRequest> Requests => requests;

    public Exception? Failure { get; set; }

    public Task EnsureAsync(ServiceAccountRequest request, CancellationToken cancellationToken)
    {
        requests.Enqueue(request);
        return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
    }
}
