using System.Text.Json;
using k8s.Autorest;

namespace SingleActive.Kube.ApiConnection;

/// <summary>
/// What the Kubernetes API said when a call failed: the <c>message</c> of the Status body it sends with an error (a 403's
/// names the user and the verb), else the start of the body, else the HTTP reason phrase.
/// </summary>
public static class ApiStatusMessage
{
    public static string Of(HttpOperationException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return FromBody(e.Response?.Content) ?? e.Response?.ReasonPhrase ?? e.Message;
    }

    /// <summary>The <c>message</c> of a Kubernetes Status body, read without reflection; a body that is not JSON, its first 300 characters.</summary>
    private static string? FromBody(string? content)
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
