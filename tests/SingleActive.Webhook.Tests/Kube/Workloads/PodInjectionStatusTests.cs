using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class PodInjectionStatusTests
{
    [Theory]
    // the annotation's text (null: none); the mode read, or null for no status
    [InlineData("""{"mode":"label","sidecar":"native"}""", "label")]
    [InlineData("""{"mode":7}""", null)]
    [InlineData("[]", null)] // not an object: not the webhook's, never a member lookup on an array
    [InlineData("\"a string\"", null)]
    [InlineData("not json", null)]
    [InlineData(null, null)]
    public void StatusOf_Annotation_AnObjectOrNothing(string? annotation, string? mode)
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Annotations = annotation is null ? null : new Dictionary<string, string> { [Annotations.Status] = annotation } } };

        var status = PodInjectionStatus.StatusOf(pod);

        Assert.Equal(annotation?.StartsWith('{') == true, status is not null);
        Assert.Equal(mode, status is { } s ? PodInjectionStatus.Text(s, "mode") : null);
    }
}
