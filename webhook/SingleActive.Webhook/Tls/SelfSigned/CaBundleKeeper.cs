using k8s;
using Microsoft.Extensions.Logging;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// The writer's part of the caBundle: keeps every webhook of the MutatingWebhookConfiguration trusting the Secret's
/// CA bundle (<see cref="CaBundlePatcher"/>), and says once, not every poll, when the configuration does not exist.
/// </summary>
internal sealed class CaBundleKeeper(IKubernetes client, string configuration, ILogger logger)
{
    private readonly CaBundlePatcher patcher = new(client, configuration);
    private bool configurationMissingLogged;

    /// <summary>Patches the caBundle to <paramref name="contents"/>' CA bundle as of <paramref name="now"/> where it differs.</summary>
    public async Task EnsureAsync(CertificateSecret contents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = await patcher.EnsureAsync(contents.CaBundlePem(now), cancellationToken).ConfigureAwait(false);
        if (changed is null)
        {
            if (!configurationMissingLogged)
            {
                SelfSignedLog.ConfigurationMissing(logger, configuration);
                configurationMissingLogged = true;
            }

            return;
        }

        configurationMissingLogged = false;
        if (changed > 0)
        {
            SelfSignedLog.CaBundlePatched(logger, changed.Value, configuration);
        }
    }
}
