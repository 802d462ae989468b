using System.Text.Json;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

public class PodReaderTests
{
    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();

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
    public void IsPlainlyNotOptedIn_RawPod_OnlyTrueWhenClearlySkipped(string json, bool expected) =>
        Assert.Equal(expected, PodReader.IsPlainlyNotOptedIn(Element(json)));

    [Fact]
    public void Read_ManagedFields_AreLeftOut()
    {
        var pod = PodReader.Read(Element("""{"kind":"Pod","metadata":{"name":"a","managedFields":[{"manager":"m","fieldsV1":{"f:x":{}}}]},"spec":{"containers":[]}}"""), out var problem);

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
        var pod = PodReader.Read(Element(json), out var problem);

        Assert.Null(problem);
        Assert.Equal("y", pod!.Metadata.Labels["x"]);
        Assert.Null(pod.Metadata.ManagedFields);
    }

    [Fact]
    public void Read_Null_NamesTheMissingObject()
    {
        Assert.Null(PodReader.Read(null, out var problem));
        Assert.Equal("the admission request has no pod in request.object", problem);
    }
}
