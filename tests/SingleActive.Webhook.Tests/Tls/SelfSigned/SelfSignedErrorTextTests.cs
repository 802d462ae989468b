using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class SelfSignedErrorTextTests
{
    [Fact]
    public void Flatten_InnerExceptions_OuterToInnermost()
    {
        var e = new HttpRequestException("request failed", new IOException("connection reset", new InvalidOperationException("socket closed")));

        Assert.Equal("request failed: connection reset: socket closed", SelfSignedErrorText.Flatten(e));
    }

    [Fact]
    public void Describe_NotAnApiAnswer_TheFlattenedMessages()
    {
        Assert.Equal("a: b", SelfSignedErrorText.Describe(new InvalidOperationException("a", new InvalidOperationException("b"))));
    }
}
