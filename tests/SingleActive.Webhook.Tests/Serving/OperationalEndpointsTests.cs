using System.Net;
using SingleActive.Webhook.Metrics;

namespace SingleActive.Webhook.Tests.Serving;

public sealed class OperationalEndpointsTests(ScriptedWebhookServer server) : IClassFixture<ScriptedWebhookServer>
{
    [Fact]
    public async Task Healthz_Running_Returns200()
    {
        var response = await server.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_Started_Returns200()
    {
        var response = await server.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterRequests_ContainCountersHistogramAndCertificateExpiry()
    {
        await server.PostReviewAsync(Reviews.Pod("deny"));
        await server.PostReviewAsync(Reviews.Pod("patch"));
        await server.PostReviewAsync("{bad");

        var response = await server.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("# TYPE single_active_admission_requests_total counter", text);
        Assert.Matches("""single_active_admission_requests_total\{kind="Pod",decision="denied"\} [1-9]""", text);
        Assert.Matches("""single_active_admission_requests_total\{kind="Pod",decision="injected"\} [1-9]""", text);
        Assert.Matches("""single_active_admission_requests_total\{kind="unknown",decision="invalid-request"\} [1-9]""", text);
        Assert.Contains("# TYPE single_active_admission_duration_seconds histogram", text);
        Assert.Contains("single_active_admission_duration_seconds_bucket{le=\"0.001\"}", text);
        Assert.Matches("""single_active_admission_duration_seconds_count [3-9]""", text);
        Assert.Contains("# TYPE single_active_provisioning_total counter", text);
        Assert.Contains("single_active_certificate_reloads_total 0", text);
        var notAfter = server.Services.GetService(typeof(SingleActive.Webhook.Tls.IServingCertificateSource)) is SingleActive.Webhook.Tls.IServingCertificateSource source
            ? new DateTimeOffset(source.Current.NotAfter).ToUnixTimeSeconds()
            : 0;
        Assert.Contains($"{WebhookMetrics.CertificateNotAfterName} {notAfter}", text);
    }
}
