using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

public class CloudIdentityTests
{
    private static string Token(string audience) =>
        "\"volumes\":[{\"name\":\"id-token\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{" +
        (audience.Length > 0 ? "\"audience\":\"" + audience + "\"," : "") + "\"path\":\"token\"}}]}}]";

    private static string Env(string name) =>
        "\"containers\":[{\"name\":\"app\",\"image\":\"x\",\"env\":[{\"name\":\"" + name + "\",\"value\":\"v\"}]}]";

    public static TheoryData<string, string, string, string?> PodRows => new()
    {
        // name, extra spec, extra metadata, expected fragment (null: none)
        { "plain pod", "", "\"name\":\"web\"", null },
        { "AWS token audience", Token("sts.amazonaws.com"), "\"name\":\"web\"", "volume \"id-token\" is a projected ServiceAccount token for the audience \"sts.amazonaws.com\"" },
        { "Azure token audience", Token("api://AzureADTokenExchange"), "\"name\":\"web\"", "api://AzureADTokenExchange" },
        { "EKS Pod Identity audience", Token("pods.eks.amazonaws.com"), "\"name\":\"web\"", "pods.eks.amazonaws.com" },
        { "GKE workload identity pool", Token("shop-prod.svc.id.goog"), "\"name\":\"web\"", "shop-prod.svc.id.goog" },
        { "Istio's mesh token", Token("istio-ca"), "\"name\":\"web\"", null },
        { "Linkerd's mesh token", Token("identity.l5d.io"), "\"name\":\"web\"", null },
        { "API server audience", Token("https://kubernetes.default.svc.cluster.local"), "\"name\":\"web\"", null },
        { "token without audience", Token(""), "\"name\":\"web\"", null },
        { "IRSA env", Env("AWS_ROLE_ARN"), "\"name\":\"web\"", "container \"app\" has the env var AWS_ROLE_ARN (AWS IAM roles for service accounts)" },
        { "Azure env", Env("AZURE_FEDERATED_TOKEN_FILE"), "\"name\":\"web\"", "AZURE_FEDERATED_TOKEN_FILE (Azure workload identity)" },
        { "other env", Env("AWS_REGION"), "\"name\":\"web\"", null },
        { "Azure label", "", "\"name\":\"web\",\"labels\":{\"azure.workload.identity/use\":\"true\"}", "the pod has the label azure.workload.identity/use=true" },
        { "Azure label false", "", "\"name\":\"web\",\"labels\":{\"azure.workload.identity/use\":\"false\"}", null },
    };

    [Theory]
    [MemberData(nameof(PodRows))]
    public void InPod_Row_FindsTheEvidence(string name, string spec, string metadata, string? expected)
    {
        var evidence = CloudIdentity.InPod(TestPods.Pod(spec: spec, metadata: metadata));

        Assert.True(expected is null ? evidence is null : evidence?.Contains(expected, StringComparison.Ordinal) == true, $"{name}: {evidence}");
    }

    [Theory]
    [InlineData("eks.amazonaws.com/role-arn", "AWS IAM roles for service accounts")]
    [InlineData("iam.gke.io/gcp-service-account", "GKE workload identity")]
    [InlineData("azure.workload.identity/client-id", "Azure workload identity")]
    public void OnAccount_IdentityAnnotation_NamesItAndTheProvider(string annotation, string provider) =>
        Assert.Equal(
            $"ServiceAccount \"default\" has the annotation \"{annotation}\" ({provider})",
            CloudIdentity.OnAccount("default", new Dictionary<string, string> { [annotation] = "x", ["team"] = "shop" }));

    [Fact]
    public void OnAccount_OtherOrUnknownAnnotations_None()
    {
        Assert.Null(CloudIdentity.OnAccount("default", new Dictionary<string, string> { ["team"] = "shop" }));
        Assert.Null(CloudIdentity.OnAccount("default", null));
    }
}
