using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>Small pods for table tests, written as JSON so each row reads like a manifest.</summary>
internal static class TestPods
{
    public const string AppContainer =
        """{"name":"app","image":"nginx","ports":[{"name":"http","containerPort":8080}],"readinessProbe":{"httpGet":{"path":"/ready","port":"http"},"periodSeconds":7}}""";

    /// <param name="annotations">JSON object members, e.g. <c>"single-active":"true"</c>.</param>
    /// <param name="spec">Extra pod spec members, merged over a spec with one app container.</param>
    /// <param name="metadata">Extra metadata members.</param>
    public static V1Pod Pod(string annotations = "\"single-active\":\"true\"", string spec = "", string metadata = "\"name\":\"web\"")
    {
        var specNode = JsonNode.Parse("{" + spec + "}")!.AsObject();
        specNode.TryAdd("containers", JsonNode.Parse("[" + AppContainer + "]"));
        var json = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{" + metadata + ",\"namespace\":\"shop\",\"annotations\":{" + annotations + "}},\"spec\":" + specNode.ToJsonString() + "}";
        return KubernetesJson.Deserialize<V1Pod>(json);
    }

    public static JsonNode ToNode(V1Pod pod) => JsonNode.Parse(KubernetesJson.Serialize(pod))!;
}
