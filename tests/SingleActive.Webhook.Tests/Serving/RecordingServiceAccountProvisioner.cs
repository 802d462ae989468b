using System.Collections.Concurrent;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Tests.Serving;

/// <summary>Stands in for the API server in HTTP pipeline tests: records every request; can be told to fail.</summary>
public sealed class RecordingServiceAccountProvisioner : IServiceAccountProvisioner
{
    private readonly ConcurrentQueue<ServiceAccountRequest> requests = new();

    /// <summary>When set and returning a message, EnsureAsync throws a ProvisioningException with it.</summary>
    public Func<ServiceAccountRequest, string?>? Failure { get; set; }

    public IReadOnlyList<ServiceAccountRequest> Requests => [.. requests];

    public Task EnsureAsync(ServiceAccountRequest request, CancellationToken cancellationToken)
    {
        requests.Enqueue(request);
        if (Failure?.Invoke(request) is { } message)
        {
            throw new ProvisioningException(message);
        }

        return Task.CompletedTask;
    }

    public void Clear() => requests.Clear();
}
