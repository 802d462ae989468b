using SingleActive.Core.Metrics;
using SingleActive.Webhook.Metrics;

namespace SingleActive.Webhook.Serving;

/// <summary><c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
public static class OperationalEndpoints
{
    public static IEndpointRouteBuilder MapOperationalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var readiness = endpoints.ServiceProvider.GetRequiredService<ReadinessState>();
        var registry = endpoints.ServiceProvider.GetRequiredService<MetricsRegistry>();

        // Liveness only says the process serves HTTP; it must not fail on things a restart cannot fix.
        endpoints.MapGet("/healthz", (RequestDelegate)(context => WriteTextAsync(context, StatusCodes.Status200OK, "ok\n", "text/plain; charset=utf-8")));
        endpoints.MapGet("/readyz", (RequestDelegate)(context => readiness.IsReady
            ? WriteTextAsync(context, StatusCodes.Status200OK, "ok\n", "text/plain; charset=utf-8")
            : WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, $"not ready: {readiness.Reason}\n", "text/plain; charset=utf-8")));
        endpoints.MapGet("/metrics", (RequestDelegate)(context => WriteTextAsync(context, StatusCodes.Status200OK, registry.Render(), PrometheusText.ContentType)));
        return endpoints;
    }

    private static Task WriteTextAsync(HttpContext context, int statusCode, string text, string contentType)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-store";
        var body = System.Text.Encoding.UTF8.GetBytes(text);
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
