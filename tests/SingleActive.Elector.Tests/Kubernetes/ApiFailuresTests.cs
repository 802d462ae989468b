using System.Net;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class ApiFailuresTests
{
    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    [InlineData(HttpStatusCode.OK, false)] // a successful answer that is not JSON
    public void MayPass_ApiStatus_OnlyOverloadAndServerErrors(HttpStatusCode status, bool mayPass) =>
        Assert.Equal(mayPass, ApiFailures.MayPass(new KubeApiException(status, $"{(int)status}")));

    [Fact]
    public void MayPass_NoAnswerOrBrokenConnection_True()
    {
        Assert.True(ApiFailures.MayPass(new TimeoutException("no answer from the API server within 10s")));
        Assert.True(ApiFailures.MayPass(new HttpRequestException("Connection refused")));
        Assert.True(ApiFailures.MayPass(new IOException("Connection reset by peer")));
    }

    [Fact]
    public void MayPass_AnythingElse_False()
    {
        Assert.False(ApiFailures.MayPass(new System.Text.Json.JsonException("not a Lease")));
        Assert.False(ApiFailures.MayPass(new OperationCanceledException()));
    }
}
