using System.Net;
using k8s.Autorest;
using SingleActive.Core.Errors;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kubectl.Workloads;

namespace SingleActive.Kubectl.CommandLine;

/// <summary>The one line after <c>error: </c> for a command that failed talking to the cluster: what happened, and what to do.</summary>
internal static class PluginErrors
{
    /// <summary>Failures a command reports as <c>error: …</c> with exit code 1; anything else is a bug and keeps its stack trace.</summary>
    public static bool IsReported(Exception e) => e is WorkloadNotFoundException or InvalidOperationException or HttpOperationException or HttpRequestException;

    /// <param name="e">A failure <see cref="IsReported"/> accepts.</param>
    /// <param name="source">Where the connection came from (<see cref="ClusterConnection.Description"/>: the kubeconfig files and the server); empty before it was made.</param>
    public static string Describe(Exception e, string source) => e switch
    {
        // RBAC's refusal reads "User … cannot <verb> resource …"; a policy webhook's 403 says something else and gets no RBAC hint.
        HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden } api when ApiStatusMessage.Of(api).Contains(" cannot ", StringComparison.Ordinal) && ApiStatusMessage.Of(api).Contains(" resource ", StringComparison.Ordinal) =>
            $"the API server refused: {ApiStatusMessage.Of(api)} (ClusterRoles single-active-viewer, single-active-operator and single-active-doctor in deploy/base grant what status, handover/pause/resume and doctor read: have one bound to you in the namespace, or cluster-wide for -A)",
        HttpOperationException api => $"the API server answered {(int?)api.Response?.StatusCode} {api.Response?.ReasonPhrase}: {ApiStatusMessage.Of(api)}",
        // No answer at all (refused, a name that does not resolve, a TLS failure): which server, from where, and what to check.
        HttpRequestException => $"cannot reach the API server{(source.Length > 0 ? ", " + source : "")}: {ErrorText.Of(e)}. " +
            (e.InnerException is System.Security.Authentication.AuthenticationException
                ? "Its certificate is not trusted: check the kubeconfig's certificate-authority(-data) for this cluster (--context, --kubeconfig)"
                : "Check that the cluster is up and that it is the one you meant (--context, --kubeconfig; kubectl config view --minify shows the server)"),
        _ => e.Message,
    };
}
