using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// The certificate writer's part of a poll (only the holder of the writer Lease runs it): create or renew the
/// Secret's certificates when <see cref="CertificateRenewal"/> says so, and keep the caBundle equal to the Secret's
/// CA bundle — a new CA trusted before any replica can serve a certificate it signed.
/// </summary>
internal sealed class CertificateWriter(SelfSignedOptions options, CertificateIssuer issuer, CertificateSecretClient secrets, TimeProvider time, ILogger logger)
{
    private readonly string secretDescription = $"{options.Namespace}/{options.SecretName}";

    /// <summary>Returns the newly written contents, or <c>null</c> when nothing was written (nothing due, or someone else wrote first).</summary>
    public async Task<CertificateSecret?> WriteAsync(IKubernetes client, CaBundleKeeper caBundle, V1Secret? secret, CertificateSecret? current, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var action = CertificateRenewal.Decide(current, options, now);
        var next = issuer.Issue(action, current);
        if (next is not null)
        {
            // A new CA must be trusted before any replica can serve a certificate it signed.
            if (action == RenewalAction.RotateAuthority)
            {
                await caBundle.EnsureAsync(next, now, cancellationToken).ConfigureAwait(false);
            }

            if (!await secrets.StoreAsync(client, secret, next, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            SelfSignedLog.Issued(logger, secretDescription, action, next.Serving.NotAfter.ToUniversalTime(), CertificateRenewal.RenewAt(next.Serving, options.CertificateValidity), next.Authority.NotAfter.ToUniversalTime());
        }

        if ((next ?? current) is { } stored)
        {
            await caBundle.EnsureAsync(stored, now, cancellationToken).ConfigureAwait(false);
        }

        return next;
    }
}
