using Microsoft.Extensions.Options;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.Serving;

/// <summary>
/// Orders the SIGTERM sequence: /readyz fails first, then (after an optional delay, so endpoint
/// controllers drop the pod before the listener closes) Kestrel stops accepting, lets in-flight requests
/// finish and closes idle keep-alive connections — HTTP/1.1 responses carry <c>Connection: close</c>,
/// HTTP/2 gets GOAWAY. The API server reuses idle connections, so leaving them open would send admission
/// requests into a dead pod.
/// </summary>
public sealed partial class ShutdownCoordinator(
    ReadinessState readiness,
    IOptions<ServerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<ShutdownCoordinator> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // The earliest signal of SIGTERM: readiness must fail before anything else happens.
        lifetime.ApplicationStopping.Register(readiness.MarkStopping);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        readiness.MarkStarted();
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.MarkStopping();
        var delay = options.Value.ShutdownDelay;
        LogStopping(logger, delay.TotalSeconds);
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out; go on closing.
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        LogStopped(logger);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = EventIds.ShuttingDown, Level = LogLevel.Information, Message = "Shutting down: /readyz now fails; the listener closes in {DelaySeconds} s, then in-flight requests finish")]
    private static partial void LogStopping(ILogger logger, double delaySeconds);

    [LoggerMessage(EventId = EventIds.Stopped, Level = LogLevel.Information, Message = "Stopped")]
    private static partial void LogStopped(ILogger logger);
}
