using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SingleActive.Elector.Logging;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Asks the API server, once at start-up in readiness mode, whether this elector may write the fence (patch
/// <c>pods/status</c> in its namespace) with a SelfSubjectAccessReview, which every authenticated identity may
/// create. Without it the first failover leaves the Service with no endpoint (a successor never serves unfenced:
/// safety before availability), so a missing permission — a ClusterRole not upgraded with the image — is said at
/// once, in the log and in <c>/metrics</c>, not discovered during an outage. Changes nothing else.
/// </summary>
public static class FencePermission
{
    /// <returns>True or false as the API server answered; null when it could not be asked.</returns>
    public static async Task<bool?> CheckAsync(KubeApiClient api, string @namespace, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var review = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SelfSubjectAccessReview",
            ["spec"] = new JsonObject
            {
                ["resourceAttributes"] = new JsonObject
                {
                    ["namespace"] = @namespace,
                    ["verb"] = "patch",
                    ["resource"] = "pods",
                    ["subresource"] = "status",
                },
            },
        };
        try
        {
            var answer = await api.SendJsonAsync(HttpMethod.Post, "apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, "application/json", cancellationToken).ConfigureAwait(false);
            var allowed = answer["status"]?["allowed"]?.GetValue<bool>() == true;
            if (!allowed)
            {
                Log.FencePermissionMissing(logger, @namespace);
            }

            return allowed;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.FencePermissionUnknown(logger, ErrorText.Of(e));
            return null;
        }
    }
}
