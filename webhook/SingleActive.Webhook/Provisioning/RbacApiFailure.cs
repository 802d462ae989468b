using System.Net;
using System.Text.Json;
using k8s.Autorest;
using SingleActive.Core.Errors;

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
            var detail = Detail(http);
            var hint = http.Response.StatusCode == HttpStatusCode.Forbidden
                ? $": the webhook's ClusterRole lacks \"{verb}\" on {resource}{extraPermission}"
                : "";
            return new RbacApiException($"{what}: the Kubernetes API answered {status} {http.Response.StatusCode}{hint} ({detail})", e);
        }

        return new RbacApiException($"{what}: the Kubernetes API cannot be reached: {ErrorText.Of(e)}", e);
    }

    public static string Detail(HttpOperationException e) => StatusMessage(e.Response.Content) ?? e.Response.ReasonPhrase ?? e.Message;

    /// <summary>The <c>message</c> of a Kubernetes Status body, read without reflection.</summary>
    private static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message)
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return content.Length > 300 ? content[..300] : content;
        }
    }
}
