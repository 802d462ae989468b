using System.Net;
using System.Text;

namespace SingleActive.Webhook.Tests.Serving;

/// <summary>The serve layer through the real HTTPS pipeline, with a scripted handler behind it.</summary>
public sealed class AdmissionEndpointTests(ScriptedWebhookServer server) : IClassFixture<ScriptedWebhookServer>
{
    [Fact]
    public async Task Mutate_V1Review_EchoesUidAndAnswersV1()
    {
        var (response, review) = await server.PostReviewAsync(Reviews.Pod("plain", uid: "uid-echo-42"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(review);
        Assert.Equal("admission.k8s.io/v1", review.ApiVersion);
        Assert.Equal("AdmissionReview", review.Kind);
        Assert.Equal("uid-echo-42", review.Response!.Uid);
        Assert.True(review.Response.Allowed);
        Assert.Null(review.Response.Patch);
        Assert.Null(review.Response.PatchType);
        Assert.Null(review.Request);
    }

    [Fact]
    public async Task Mutate_V1Beta1Review_AnswersInV1Beta1()
    {
        var (response, review) = await server.PostReviewAsync(Reviews.Pod("patch", uid: "beta-uid", apiVersion: "admission.k8s.io/v1beta1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("admission.k8s.io/v1beta1", review!.ApiVersion);
        Assert.Equal("beta-uid", review.Response!.Uid);
        Assert.Equal("JSONPatch", review.Response.PatchType);
    }

    [Fact]
    public async Task Mutate_Denial_Http200WithAllowedFalseMessageAnd403()
    {
        var (response, review) = await server.PostReviewAsync(Reviews.Pod("deny"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(review!.Response!.Allowed);
        Assert.Equal(403, review.Response.Status!.Code);
        Assert.Equal("pod x is denied: because the test says so", review.Response.Status.Message);
        Assert.Null(review.Response.Patch);
    }

    [Fact]
    public async Task Mutate_Patch_Base64WithJsonPatchTypeAndWarnings()
    {
        var (_, review) = await server.PostReviewAsync(Reviews.Pod("patch"));

        Assert.True(review!.Response!.Allowed);
        Assert.Equal("JSONPatch", review.Response.PatchType);
        Assert.Equal(ScriptedAdmissionHandler.Patch, Encoding.UTF8.GetString(review.Response.Patch!));
        Assert.Equal(["first advisory"], review.Response.Warnings);
    }

    /// <summary>What the API server decodes: <c>response.patch</c> is a standard base64 string on the wire.</summary>
    [Fact]
    public async Task Mutate_Patch_OnTheWireIsABase64String()
    {
        using var content = new StringContent(Reviews.Pod("patch"), Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync(Webhook.Hosting.WebhookApp.MutatePath, content);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());

        var patch = body.RootElement.GetProperty("response").GetProperty("patch");
        Assert.Equal(System.Text.Json.JsonValueKind.String, patch.ValueKind);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(ScriptedAdmissionHandler.Patch)), patch.GetString());
    }

    [Fact]
    public async Task Mutate_EmptyPatch_HasNoPatchAndNoPatchType()
    {
        var (_, review) = await server.PostReviewAsync(Reviews.Pod("empty-patch"));

        Assert.True(review!.Response!.Allowed);
        Assert.Null(review.Response.Patch);
        Assert.Null(review.Response.PatchType);
    }

    [Fact]
    public async Task Mutate_Warnings_AreReturned()
    {
        var (_, review) = await server.PostReviewAsync(Reviews.Pod("warn"));

        Assert.Equal(["advisory one", "advisory two"], review!.Response!.Warnings);
    }

    [Fact]
    public async Task Mutate_HandlerThrows_DeniedWithMessage()
    {
        var (response, review) = await server.PostReviewAsync(Reviews.Pod("throw"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(review!.Response!.Allowed);
        Assert.Equal(500, review.Response.Status!.Code);
        Assert.Contains("boom in the handler", review.Response.Status.Message);
        Assert.Contains("Pod team-a/throw", review.Response.Status.Message);
    }

    [Theory]
    [InlineData("", "request body is empty")]
    [InlineData("{not json", "not a valid AdmissionReview")]
    [InlineData("null", "JSON null")]
    [InlineData("[1,2]", "not a valid AdmissionReview")]
    [InlineData("""{"apiVersion":"v1","kind":"Pod"}""", "apiVersion \"v1\" and kind \"Pod\"")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""", "has no \"request\"")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"name":"x"}}""", "has no \"uid\"")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}""", "not a valid AdmissionReview")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"x"}""", "not a valid AdmissionReview")]
    public async Task Mutate_BadBody_Returns400WithMessage(string body, string expected)
    {
        var (response, review) = await server.PostReviewAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(review);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mutate_NoBodyAndNoContentType_Returns400NotEmpty415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mutate");

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("request body is empty", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mutate_InvalidUtf8_Returns400()
    {
        var bytes = Encoding.UTF8.GetBytes(Reviews.Pod("plain")).Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        bytes[20] = 0xFF;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");

        var (response, _) = await server.PostAsync(content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/yaml")]
    public async Task Mutate_NonJsonContentType_Returns415WithMessage(string contentType)
    {
        using var content = new StringContent(Reviews.Pod("plain"), Encoding.UTF8, contentType);

        var (response, _) = await server.PostAsync(content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mutate_JsonWithCharset_IsAccepted()
    {
        using var content = new StringContent(Reviews.Pod("plain"), Encoding.UTF8, "application/json");
        content.Headers.ContentType!.CharSet = "utf-8";

        var (response, review) = await server.PostAsync(content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(review!.Response!.Allowed);
    }

    [Fact]
    public async Task Mutate_BodyOverLimitWithContentLength_Returns413WithMessage()
    {
        var (response, _) = await server.PostReviewAsync(new string(' ', ScriptedWebhookServer.BodyLimit + 1) + Reviews.Pod("plain"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains($"limit of {ScriptedWebhookServer.BodyLimit} bytes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mutate_ChunkedBodyOverLimit_Returns413()
    {
        var payload = Encoding.UTF8.GetBytes(new string(' ', ScriptedWebhookServer.BodyLimit * 2) + Reviews.Pod("plain"));
        using var content = new StreamContent(new NonSeekableStream(payload));
        content.Headers.ContentType = new("application/json");

        var (response, _) = await server.PostAsync(content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Mutate_OverHttp2_AnswersTheSame()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mutate")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(Reviews.Pod("deny", uid: "h2-uid"), Encoding.UTF8, "application/json"),
        };

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"uid\":\"h2-uid\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mutate_Get_IsNotAllowed()
    {
        var response = await server.Client.GetAsync("/mutate");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    /// <summary>Hides the length so the client sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
