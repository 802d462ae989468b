using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

public class PodReaderTests
{
    private static RawJsonValue Raw(string json) => RawJsonValue.Parse(json);

    private static k8s.Models.V1Pod? Read(RawJsonValue? value, out string? problem) => PodReader.Read(value, PodOutline.Of(value), out problem);

    [Theory]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a"}}""", true)]
    [InlineData("""{"metadata":{"annotations":null}}""", true)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"other":"x"}}}""", true)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single-active":"False"}}}""", true)]
    [InlineData("""{"kind":"Pod","spec":{}}""", true)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single-active":"true"}}}""", false)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single-active":"maybe"}}}""", false)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single-active":5}}}""", false)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":[]}}""", false)]
    [InlineData("""{"kind":"Deployment","metadata":{}}""", false)]
    [InlineData("""[1]""", false)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single-active":"true"}},"metadata":{"name":"later"}}""", true)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single-active":"false","single-active":"true"}}}""", false)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single\u002dactive":"true"}}}""", false)]
    [InlineData("""{"kind":"Pod","metadata":{"annotations":{"single-active":"true"},"annotations":null}}""", true)]
    public void IsPlainlyNotOptedIn_RawPod_OnlyTrueWhenClearlySkipped(string json, bool expected) =>
        Assert.Equal(expected, PodOutline.Of(Raw(json)).PlainlyNotOptedIn);

    [Fact]
    public void Read_ManagedFields_AreLeftOut()
    {
        var pod = Read(Raw("""{"kind":"Pod","metadata":{"name":"a","managedFields":[{"manager":"m","fieldsV1":{"f:x":{}}}]},"spec":{"containers":[]}}"""), out var problem);

        Assert.Null(problem);
        Assert.Equal("a", pod!.Metadata.Name);
        Assert.Null(pod.Metadata.ManagedFields);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"not a list\"")]
    [InlineData("[{\"fieldsV1\":[[[]]]}]")]
    public void Read_ManagedFieldsOfAnyShape_AreSkippedWithoutAProblem(string managedFields)
    {
        // They are the API server's, never the user's, and never read: their shape cannot deny a pod.
        var json = """{"kind":"Pod","metadata":{"name":"a","managedFields":""" + managedFields + ""","labels":{"x":"y"}}}""";
        var pod = Read(Raw(json), out var problem);

        Assert.Null(problem);
        Assert.Equal("y", pod!.Metadata.Labels["x"]);
        Assert.Null(pod.Metadata.ManagedFields);
    }

    [Theory]
    [InlineData("""{"kind":5}""", "request.object is not a Pod (its kind is 5)")]
    [InlineData("""{"kind":"Deployment","kind":"Pod"}""", null)]
    [InlineData("""{"kind":"Pod","kind":{"x":1}}""", "request.object is not a Pod (its kind is {\"x\":1})")]
    public void Read_Kind_TheLastOneMustBePod(string json, string? expected)
    {
        Read(Raw(json), out var problem);

        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Read_Null_NamesTheMissingObject()
    {
        Assert.Null(Read(null, out var problem));
        Assert.Equal("the admission request has no pod in request.object", problem);
    }
}
