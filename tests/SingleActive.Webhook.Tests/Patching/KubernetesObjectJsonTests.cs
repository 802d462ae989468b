using k8s;
using k8s.Models;
using SingleActive.Webhook.Patching;

namespace SingleActive.Webhook.Tests.Patching;

public class KubernetesObjectJsonTests
{
    private const string PodWithManagedFields =
        """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","managedFields":[{"manager":"kube-controller-manager","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}}}]},"spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":"0.1"}}}]}}""";

    [Fact]
    public void ToNode_ManagedFieldsWithFieldsV1_AreDroppedAndTheInputKeepsThem()
    {
        var pod = KubernetesJson.Deserialize<V1Pod>(PodWithManagedFields);

        var node = KubernetesObjectJson.ToNode(pod);

        Assert.Null(node["metadata"]!["managedFields"]);
        Assert.Equal("p", (string)node["metadata"]!["name"]!);
        Assert.Single(pod.Metadata.ManagedFields);
    }

    [Fact]
    public void ToNode_Quantities_AreNormalizedTheSameOnBothSides()
    {
        var a = KubernetesObjectJson.ToNode(KubernetesJson.Deserialize<V1Pod>(PodWithManagedFields));
        var b = KubernetesObjectJson.ToNode(KubernetesJson.Deserialize<V1Pod>(PodWithManagedFields));

        Assert.Equal("[]", System.Text.Encoding.UTF8.GetString(new JsonPatchBuilder().CreatePatch(a, b)));
    }

    [Fact]
    public void ToNode_ObjectWithoutMetadata_Serializes() =>
        Assert.Equal("a", (string)KubernetesObjectJson.ToNode(new V1Container { Name = "a" })["name"]!);
}
