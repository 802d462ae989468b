using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>Small Deployments and StatefulSets for table tests, written as JSON so each row reads like a manifest.</summary>
internal static class TestWorkloads
{
    private const string Container = """{"name":"app","image":"nginx","ports":[{"name":"http","containerPort":8080}]}""";

    /// <param name="annotations">Members of the workload's own annotations, e.g. <c>"single-active":"true"</c>.</param>
    /// <param name="templateAnnotations">Members of the pod template's annotations.</param>
    /// <param name="spec">Extra spec members (strategy, replicas, podManagementPolicy...).</param>
    public static V1Deployment Deployment(string annotations = "", string templateAnnotations = "\"single-active\":\"true\"", string spec = "\"replicas\":3") =>
        KubernetesJson.Deserialize<V1Deployment>(Json("Deployment", "web", annotations, templateAnnotations, spec));

    public static V1StatefulSet StatefulSet(string annotations = "", string templateAnnotations = "\"single-active\":\"true\"", string spec = "\"replicas\":3") =>
        KubernetesJson.Deserialize<V1StatefulSet>(Json("StatefulSet", "db", annotations, templateAnnotations, spec));

    public static string Json(string kind, string name, string annotations, string templateAnnotations, string spec)
    {
        var specNode = JsonNode.Parse("{" + spec + "}")!.AsObject();
        specNode["selector"] = JsonNode.Parse("{\"matchLabels\":{\"app\":\"" + name + "\"}}");
        specNode["template"] = JsonNode.Parse(
            "{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"},\"annotations\":{" + templateAnnotations + "}},\"spec\":{\"containers\":[" + Container + "]}}");
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\",\"annotations\":{"
            + annotations + "}},\"spec\":" + specNode.ToJsonString() + "}";
    }

    public static PodInjector Injector(Action<InjectorOptions>? configure = null)
    {
        var options = new InjectorOptions { Image = "registry.example/single-active:1.0" };
        configure?.Invoke(options);
        return new PodInjector(options);
    }
}
