using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// Reads and writes the self-signed mode's Secret through the API (not mounted: no volume, no kubelet sync delay).
/// Parses only what changed (a poll every few seconds must not mint key objects each time), and every write carries
/// a precondition: a create fails with 409 if the Secret appeared, a replace if anyone wrote since it was read.
/// </summary>
internal sealed class CertificateSecretClient(SelfSignedOptions options, ILogger logger)
{
    private readonly string description = $"{options.Namespace}/{options.SecretName}";
    private string? lastResourceVersion;
    private CertificateSecret? lastParsed;

    /// <summary>Why the Secret last read is not usable, naming it; <c>null</c> when it was (or nothing was read).</summary>
    public string? LastProblem { get; private set; }

    /// <summary>The Secret (<c>null</c>: absent, 404) and its parsed contents (<c>null</c>: absent or unusable).</summary>
    /// <exception cref="HttpOperationException">Any other API error.</exception>
    public async Task<(V1Secret? Secret, CertificateSecret? Parsed)> ReadAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(options.SecretName, options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }

        if (secret.Metadata?.ResourceVersion is { } version && version == lastResourceVersion)
        {
            return (secret, lastParsed);
        }

        var parsed = CertificateSecret.TryRead(secret.Data, out var problem);
        lastResourceVersion = secret.Metadata?.ResourceVersion;
        lastParsed = parsed;
        LastProblem = problem is null ? null : $"Secret {description}: {problem}";
        if (problem is not null)
        {
            SelfSignedLog.SecretUnusable(logger, description, problem);
        }

        return (secret, parsed);
    }

    /// <summary>Creates the Secret, or replaces <paramref name="existing"/> at the resourceVersion it was read at.</summary>
    /// <returns><c>false</c> when someone else wrote first (409): the next poll reads their result.</returns>
    /// <exception cref="HttpOperationException">Any other API error.</exception>
    public async Task<bool> StoreAsync(IKubernetes client, V1Secret? existing, CertificateSecret contents, CancellationToken cancellationToken)
    {
        try
        {
            V1Secret written;
            if (existing is null)
            {
                var created = new V1Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Type = CertificateSecret.SecretType,
                    Metadata = new V1ObjectMeta
                    {
                        Name = options.SecretName,
                        NamespaceProperty = options.Namespace,
                        Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "single-active-webhook" },
                    },
                    Data = contents.ToData(),
                };
                written = await client.CoreV1.CreateNamespacedSecretAsync(created, options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // metadata.resourceVersion is kept: a concurrent writer makes this a 409, not a lost update.
                existing.Data = contents.ToData();
                existing.Metadata.ManagedFields = null; // kept by the server; the Aot serializer cannot write FieldsV1
                written = await client.CoreV1.ReplaceNamespacedSecretAsync(existing, options.SecretName, options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            lastResourceVersion = written.Metadata?.ResourceVersion;
            lastParsed = contents;
            LastProblem = null;
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }
}
