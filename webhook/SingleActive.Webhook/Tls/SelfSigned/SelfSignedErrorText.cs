using k8s.Autorest;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>How the self-signed mode words a failed API call in its log lines and start-up error.</summary>
internal static class SelfSignedErrorText
{
    /// <summary>A 403 names the permission, so a missing RBAC rule is found from the log line alone.</summary>
    public static string Describe(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } http =>
            $"the API server answered {(int)response.StatusCode} {response.StatusCode}: {Truncate(response.Content)} ({http.Message})",
        _ => Flatten(e),
    };

    /// <summary>"outer: inner: innermost" — an SSL or socket failure is only explained by its inner exceptions.</summary>
    public static string Flatten(Exception e)
    {
        var messages = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(": ", messages);
    }

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 400 ? text : text[..400] + "...";
}
