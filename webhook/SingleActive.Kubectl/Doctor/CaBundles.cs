using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// The caBundles of the webhook configuration's webhooks, compared by the certificates they hold (not their bytes: the
/// same PEM with other line endings is the same bundle). The bundle most webhooks share is the one the certificate
/// checks read; a webhook with another fails every call the API server makes to it.
/// </summary>
internal static class CaBundles
{
    /// <summary>The bundle most webhooks share (the first webhook's on a tie); null without webhooks.</summary>
    public static byte[]? Reference(V1MutatingWebhookConfiguration configuration) =>
        (configuration.Webhooks ?? [])
            .Select((webhook, index) => (Bundle: webhook.ClientConfig?.CaBundle, Key: Key(webhook.ClientConfig?.CaBundle), Index: index))
            .GroupBy(w => w.Key)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Min(w => w.Index))
            .Select(g => g.First().Bundle)
            .FirstOrDefault();

    /// <summary>A finding for each webhook whose bundle holds other certificates than <see cref="Reference"/>.</summary>
    public static IEnumerable<Finding> Mismatches(V1MutatingWebhookConfiguration configuration, string subject)
    {
        var reference = Key(Reference(configuration));
        foreach (var webhook in configuration.Webhooks ?? [])
        {
            if (Key(webhook.ClientConfig?.CaBundle) == reference)
            {
                continue;
            }

            var advisory = webhook.Name == DoctorChecks.AdviceWebhookName;
            yield return new Finding(advisory ? Severity.Warning : Severity.Error, subject,
                $"webhook {webhook.Name} has another caBundle than the other webhooks: the API server cannot verify the webhook when it calls {webhook.Name}, so " +
                (advisory ? "its warnings are never given" : webhook.FailurePolicy == "Fail" ? "every object it is sent is rejected" : "its objects are admitted without it"),
                "give every webhook the same caBundle (the overlays from deploy/ do; a JSON patch per webhook index for certificates you manage)");
        }
    }

    /// <summary>The thumbprints of the bundle's certificates, sorted; the bytes themselves when they hold none that can be read.</summary>
    private static string Key(byte[]? bundle)
    {
        if (bundle is not { Length: > 0 })
        {
            return "";
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(Encoding.UTF8.GetString(bundle));
            return certificates.Count == 0
                ? "raw:" + Convert.ToBase64String(bundle)
                : string.Join(",", certificates.Select(c => c.Thumbprint).Order(StringComparer.Ordinal));
        }
        catch (CryptographicException)
        {
            return "raw:" + Convert.ToBase64String(bundle);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }
}
