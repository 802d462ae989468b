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
                var alone = PodOutline.Of(RawJsonValue.Parse(obj.ToString()));
                var inPass = obj.Outline!.Value;
                Assert.Equal((alone.IsObject, alone.ForeignKind, alone.PlainlyNotOptedIn), (inPass.IsObject, inPass.ForeignKind, inPass.PlainlyNotOptedIn));
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

    [Fact]
    public void Parse_NameWithALoneSurrogateEscape_IsJustAnotherName()
    {
        // JsonDocument found no such member; Utf8JsonReader.ValueTextEquals would throw mid-walk.
        var body = Envelope.Replace("OBJECT", """{"\ud800":1,"kind":"Pod","metadata":{"\udfff":2,"annotations":{"\ud800x":"y"}}}""", StringComparison.Ordinal)
            .Replace("\"uid\"", "\"\\ud800\":0,\"uid\"", StringComparison.Ordinal);

        var request = Ok(body).Request!;

        Assert.Equal("u1", request.Uid);
        Assert.True(request.Object!.Outline!.Value.PlainlyNotOptedIn);
    }

    [Fact]
    public void Parse_AnnotationNotValidUtf8_DecodedOnlyWhenThePodPathAsks()
    {
        // The last value counts: the earlier, undecodable one never matters; a lone undecodable one fails only the pod path.
        var bytes = Encoding.UTF8.GetBytes(Envelope.Replace("OBJECT", """{"kind":"Pod","metadata":{"annotations":{"single-active":"#","single-active":"false"}}}""", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xFF;
        var duplicate = AdmissionReviewReader.Parse(new ReadOnlySequence<byte>(bytes));
        Assert.True(duplicate.StatusCode == 200, duplicate.Error);
        Assert.True(duplicate.Review!.Request!.Object!.Outline!.Value.PlainlyNotOptedIn);

        bytes = Encoding.UTF8.GetBytes(Envelope.Replace("OBJECT", """{"kind":"Pod","metadata":{"annotations":{"single-active":"#"}}}""", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xFF;
        var alone = AdmissionReviewReader.Parse(new ReadOnlySequence<byte>(bytes));
        Assert.True(alone.StatusCode == 200, alone.Error);
        Assert.Throws<InvalidOperationException>(() => alone.Review!.Request!.Object!.Outline!.Value.PlainlyNotOptedIn);
    }

    [Fact]
    public void Parse_AnnotationNotValidUtf8AndASyntaxErrorLater_TheSyntaxErrorIsNamed()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{"metadata":{"annotations":{"single-active":"#"}}},"dryRun":}}""");
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xFF;

        var read = AdmissionReviewReader.Parse(new ReadOnlySequence<byte>(bytes));

        Assert.Equal(400, read.StatusCode);
        Assert.Contains("not a valid AdmissionReview", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToElement_AsDeepAsTheEnvelopeAllows()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        var obj = Ok(Envelope.Replace("OBJECT", deep, StringComparison.Ordinal)).Request!.Object!;

        Assert.Equal(JsonValueKind.Object, obj.ToElement().ValueKind);
    }

    private static AdmissionReview Ok(string body)
    {
        var read = AdmissionReviewReader.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)));
        Assert.True(read.StatusCode == 200, read.Error);
        return read.Review!;
    }
}
