using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class SelfSignedErrorTextTests
{
    [Fact]
    public void Describe_NotAnApiAnswer_TheFlattenedMessages()
    {
        Assert.Equal("a: b", SelfSignedErrorText.Describe(new InvalidOperationException("a", new InvalidOperationException("b"))));
    }
}
