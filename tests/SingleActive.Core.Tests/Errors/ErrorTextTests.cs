using SingleActive.Core.Errors;

namespace SingleActive.Core.Tests.Errors;

public sealed class ErrorTextTests
{
    [Fact]
    public void Of_Chain_OutermostFirstJoinedLikeGoErrors()
    {
        var e = new HttpRequestException("The SSL connection could not be established", new IOException("certificate expired"));

        Assert.Equal("The SSL connection could not be established: certificate expired", ErrorText.Of(e));
    }

    [Fact]
    public void Of_RepeatedMessage_WrittenOnce()
    {
        var e = new InvalidOperationException("same", new InvalidOperationException("same", new IOException("inner")));

        Assert.Equal("same: inner", ErrorText.Of(e));
    }

    [Fact]
    public void Of_LongChain_CutAfterFiveMessages()
    {
        Exception e = new IOException("m0");
        for (var i = 1; i < 8; i++)
        {
            e = new InvalidOperationException("m" + i, e);
        }

        Assert.Equal("m7: m6: m5: m4: m3", ErrorText.Of(e));
    }

    [Fact]
    public void Innermost_Chain_TheDeepestException()
    {
        var inner = new FormatException("bad");

        Assert.Same(inner, ErrorText.Innermost(new InvalidOperationException("outer", new IOException("middle", inner))));
    }
}
