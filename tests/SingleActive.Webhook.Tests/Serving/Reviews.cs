namespace SingleActive.Webhook.Tests.Serving;

/// <summary>Small AdmissionReview bodies for serve-layer tests.</summary>
public static class Reviews
{
    public static string Pod(string name, string uid = "0b5d4c1e-1111-2222-3333-444455556666", string apiVersion = "admission.k8s.io/v1") => $$$"""
        {
          "apiVersion": "{{{apiVersion}}}",
          "kind": "AdmissionReview",
          "request": {
            "uid": "{{{uid}}}",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": "team-a",
            "name": "{{{name}}}",
            "operation": "CREATE",
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "{{{name}}}", "namespace": "team-a"}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}},
            "dryRun": false
          }
        }
        """;
}
