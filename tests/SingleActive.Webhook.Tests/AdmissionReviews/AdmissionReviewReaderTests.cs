using System.Buffers;
using System.Text;
using System.Text.Json;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Tests.Golden;

namespace SingleActive.Webhook.Tests.AdmissionReviews;

/// <summary>
/// The one-pass envelope read: the body is validated whole and read once, <c>request.object</c> kept as its exact
/// text, with the semantics the <see cref="JsonDocument"/> read had (last duplicate wins, JSON null is absent,
/// syntax before types, depth limit 128).
/// </summary>
public sealed class AdmissionReviewReaderTests
{
    private const string Envelope = """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":OBJECT}}""";

    [Fact]
    public void Parse_Object_KeptAsItsExactText()
    {
        const string Pod = """{ "kind" : "Pod", "metadata": {"name":"a\u00e9"} , "spec":{"containers":[ ]} }""";

        var request = Ok(Envelope.Replace("OBJECT", Pod, StringComparison.Ordinal)).Request!;

        Assert.Equal(Pod, request.Object!.ToString());
        Assert.Equal(JsonValueKind.Object, request.Object.ValueKind);
        Assert.Equal(("u1", "Pod", "CREATE"), (request.Uid, request.Kind!.Kind, request.Operation));
        Assert.Null(request.OldObject);
    }

    [Fact]
    public void Parse_MemberGivenTwice_TheLastCounts()
    {
        var body = """{"apiVersion":"v0","kind":"AdmissionReview","request":{"uid":"first","object":{"a":1}},"apiVersion":"admission.k8s.io/v1","request":{"uid":"second","uid":"third","object":null,"object":{"b":2}}}""";

        var review = Ok(body);

        Assert.Equal(("admission.k8s.io/v1", "third", """{"b":2}"""), (review.ApiVersion, review.Request!.Uid, review.Request.Object!.ToString()));
    }

    [Fact]
    public void Parse_EscapedMemberNames_ReadAsTheirText()
    {
        var body = """{"api\u0056ersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"\u0075id":"u\u0031","object":{}}}""";

        Assert.Equal("u1", Ok(body).Request!.Uid);
    }

    [Fact]
    public void Parse_NullMembers_CountAsAbsent()
    {
        var body = """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","name":null,"kind":null,"dryRun":null,"object":null}}""";

        var request = Ok(body).Request!;

        Assert.Equal((null, null, null, null), (request.Name, request.Kind, request.DryRun, request.Object));
    }

    [Theory]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7,"object":{]}}""", "not a valid AdmissionReview: ']' is an invalid start of a property name")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}""", "\"request.uid\" must be a string, not a number")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":[]}}}""", "\"request.kind.kind\" must be a string, not an array")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","dryRun":"yes"}}""", "\"request.dryRun\" must be true or false, not a string")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"x"}""", "\"request\" must be an object, not a string")]
    [InlineData("""[1,2]""", "the document is an array, not an object")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1"} {}""", "not a valid AdmissionReview")]
    [InlineData("""null""", "request body is JSON null")]
    public void Parse_Malformed_400NamingTheProblem(string body, string expected)
    {
        var read = AdmissionReviewReader.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(400, read.StatusCode);
        Assert.Contains(expected, read.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(120, true)]
    [InlineData(130, false)]
    public void Parse_DeepObject_RefusedOnlyPastTheLimit(int depth, bool accepted)
    {
        var pod = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

        var read = AdmissionReviewReader.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Envelope.Replace("OBJECT", pod, StringComparison.Ordinal))));

        Assert.Equal(accepted ? 200 : 400, read.StatusCode);
        if (accepted)
        {
            // The pod path's own pass over the kept text goes as deep.
            Assert.True(PodOutline.Of(read.Review!.Request!.Object).PlainlyNotOptedIn);
        }
    }

    [Fact]
    public void Parse_EveryFixture_OutlineReadInThePassEqualsOneReadAlone()
    {
        foreach (var name in TestData.Fixtures)
        {
            var request = Ok(TestData.Fixture(name)).Request!;
            if (request.Object is { } obj)
            {
                Assert.NotNull(obj.Outline);
                Assert.Equal(PodOutline.Of(RawJsonValue.Parse(obj.ToString())), obj.Outline);
            }
        }
    }

    [Fact]
    public void Parse_ObjectGivenTwice_OutlineOfTheLast()
    {
        var body = Envelope.Replace("OBJECT", """{"kind":"Pod","metadata":{"annotations":{"single-active":"true"}}},"object":{"kind":"Pod"}""", StringComparison.Ordinal);

        var obj = Ok(body).Request!.Object!;

        Assert.Equal("""{"kind":"Pod"}""", obj.ToString());
        Assert.True(obj.Outline!.Value.PlainlyNotOptedIn);
    }

    private static AdmissionReview Ok(string body)
    {
        var read = AdmissionReviewReader.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)));
        Assert.True(read.StatusCode == 200, read.Error);
        return read.Review!;
    }
}
