using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// Keeps the caBundle of every webhook in the MutatingWebhookConfiguration equal to the Secret's CA
/// bundle. A JSON patch with a <c>test</c> on each webhook's name per index, so a configuration
/// re-applied in between with another order is never patched at the wrong position.
/// </summary>
public sealed class CaBundlePatcher(IKubernetes client, string configurationName)
{
    /// <summary>Patches where needed. Returns how many webhooks were changed; null when the configuration does not exist.</summary>
    public async Task<int?> EnsureAsync(string caBundlePem, CancellationToken cancellationToken)
    {
        V1MutatingWebhookConfiguration configuration;
        try
        {
            configuration = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(configurationName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var desired = Encoding.ASCII.GetBytes(caBundlePem);
        var webhooks = configuration.Webhooks ?? [];
        var stale = webhooks.Select((webhook, index) => (webhook, index))
            .Where(w => w.webhook.ClientConfig?.CaBundle is not { } current || !current.AsSpan().SequenceEqual(desired))
            .ToList();
        if (stale.Count == 0)
        {
            return 0;
        }

        var base64 = Convert.ToBase64String(desired);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (webhook, index) in stale)
            {
                json.WriteStartObject();
                json.WriteString("op", "test");
                json.WriteString("path", $"/webhooks/{index}/name");
                json.WriteString("value", webhook.Name);
                json.WriteEndObject();
                json.WriteStartObject();
                json.WriteString("op", "add");
                json.WriteString("path", $"/webhooks/{index}/clientConfig/caBundle");
                json.WriteString("value", base64);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        var patch = new V1Patch(Encoding.UTF8.GetString(buffer.ToArray()), V1Patch.PatchType.JsonPatch);
        await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(patch, configurationName, cancellationToken: cancellationToken).ConfigureAwait(false);
        return stale.Count;
    }
}
