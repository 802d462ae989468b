using System.Net;
using k8s.Autorest;
using SingleActive.Core.Errors;
using SingleActive.Kube.ApiConnection;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Words a failed provisioning call: which object, which verb and what the API server answered (the
/// <c>message</c> of its Status body); a 403 says which permission the webhook lacks.
/// </summary>
internal static class RbacApiFailure
{
    /// <param name="namespace">Null for a cluster-scoped object.</param>
    public static RbacApiException Of(string verb, string kind, string resource, string? @namespace, string name, Exception e, string extraPermission = "")
    {
        var what = $"cannot {verb} {kind} {(@namespace is null ? name : $"{@namespace}/{name}")}";
        if (e is HttpOperationException http)
        {
            var status = (int)http.Response.StatusCode;
            var detail = ApiStatusMessage.Of(http);
            var hint = http.Response.StatusCode == HttpStatusCode.Forbidden
                ? $": the webhook's ClusterRole lacks \"{verb}\" on {resource}{extraPermission}"
                : "";
            return new RbacApiException($"{what}: the Kubernetes API answered {status} {http.Response.StatusCode}{hint} ({detail})", e);
        }

        return new RbacApiException($"{what}: the Kubernetes API cannot be reached: {ErrorText.Of(e)}", e);
    }
}
