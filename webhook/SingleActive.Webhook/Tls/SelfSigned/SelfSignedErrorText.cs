using k8s.Autorest;
using SingleActive.Core.Errors;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>How the self-signed mode words a failed API call in its log lines and start-up error.</summary>
internal static class SelfSignedErrorText
{
    /// <summary>A 403 names the permission, so a missing RBAC rule is found from the log line alone.</summary>
    public static string Describe(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } http =>
            $"the API server answered {(int)response.StatusCode} {response.StatusCode}: {Truncate(response.Content)} ({http.Message})",
        _ => ErrorText.Of(e),
    };

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 400 ? text : text[..400] + "...";
}
