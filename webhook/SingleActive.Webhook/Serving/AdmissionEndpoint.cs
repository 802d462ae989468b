using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Logging;
using SingleActive.Webhook.Metrics;

namespace SingleActive.Webhook.Serving;

/// <summary>
/// <c>POST /mutate</c>: only HTTP. Every admission decision is HTTP 200 (a denial is <c>allowed: false</c>
/// with a message); 4xx only when the body is not an AdmissionReview at all. A handler that throws fails
/// closed: the request is denied with the error, never allowed un-injected.
/// </summary>
public sealed partial class AdmissionEndpoint(
    IAdmissionHandler handler,
    WebhookMetrics metrics,
    IOptions<ServerOptions> options,
    TimeProvider timeProvider,
    ILogger<AdmissionEndpoint> logger)
{
    private readonly long maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task HandleAsync(HttpContext context)
    {
        var started = timeProvider.GetTimestamp();
        var aborted = context.RequestAborted;
        var read = await AdmissionReviewReader.ReadAsync(context.Request, maxBodyBytes, aborted).ConfigureAwait(false);
        if (read.Review is not { Request: { } request } review)
        {
            LogRejected(logger, read.StatusCode, read.Error);
            metrics.RecordAdmission(null, WebhookMetrics.InvalidRequest, timeProvider.GetElapsedTime(started));
            await WriteErrorAsync(context.Response, read.StatusCode, read.Error ?? "invalid request").ConfigureAwait(false);
            return;
        }

        MutationResult outcome;
        try
        {
            outcome = await handler.HandleAsync(request, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The API server gave up (its own timeout); there is nobody to answer.
            return;
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, e, request.Uid, request.Kind?.Kind, request.Namespace, request.Name);
            outcome = MutationResult.Fail(FailureMessage(request, e));
        }

        var answer = AdmissionResponseFactory.Create(review, outcome);
        var body = JsonSerializer.SerializeToUtf8Bytes(answer, AdmissionJsonContext.Default.AdmissionReview);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, aborted).ConfigureAwait(false);

        var elapsed = timeProvider.GetElapsedTime(started);
        metrics.RecordAdmission(request.Kind?.Kind, outcome.Decision, elapsed);
        if (outcome.Allowed)
        {
            LogAnswered(logger, request.Uid, request.Kind?.Kind, request.Namespace, request.Name, outcome.Decision, elapsed.TotalMilliseconds);
        }
        else
        {
            LogDenied(logger, request.Uid, request.Kind?.Kind, request.Namespace, request.Name, answer.Response!.Status!.Message);
        }
    }

    private static string FailureMessage(AdmissionRequest request, Exception e)
    {
        var subject = $"{request.Kind?.Kind ?? "object"} {request.Namespace}/{(string.IsNullOrEmpty(request.Name) ? "(generated name)" : request.Name)}";
        return e is JsonException
            ? $"single-active webhook cannot read {subject}: {e.Message}"
            : $"single-active webhook failed on {subject} and refuses it rather than admit it un-injected: {e.Message}";
    }

    private static async Task WriteErrorAsync(HttpResponse response, int statusCode, string message)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = EventIds.AdmissionAnswered, Level = LogLevel.Debug, Message = "Admission {Uid} {Kind} {Namespace}/{Name}: {Decision} in {ElapsedMs:F3} ms")]
    private static partial void LogAnswered(ILogger logger, string? uid, string? kind, string? @namespace, string? name, string decision, double elapsedMs);

    [LoggerMessage(EventId = EventIds.AdmissionDenied, Level = LogLevel.Information, Message = "Admission {Uid} {Kind} {Namespace}/{Name} denied: {Message}")]
    private static partial void LogDenied(ILogger logger, string? uid, string? kind, string? @namespace, string? name, string? message);

    [LoggerMessage(EventId = EventIds.AdmissionRefused, Level = LogLevel.Warning, Message = "Admission request refused with HTTP {StatusCode}: {Message}")]
    private static partial void LogRejected(ILogger logger, int statusCode, string? message);

    [LoggerMessage(EventId = EventIds.AdmissionHandlerFailed, Level = LogLevel.Error, Message = "Admission handler failed on {Uid} {Kind} {Namespace}/{Name}; the request is denied")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string? uid, string? kind, string? @namespace, string? name);
}
