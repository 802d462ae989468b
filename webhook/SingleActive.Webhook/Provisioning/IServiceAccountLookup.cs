namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Read-only check that a ServiceAccount exists, for dry runs: they must not create the elector's account
/// (<see cref="IServiceAccountProvisioner"/> is never called), yet a dry-run pod naming a missing account is
/// rejected by the API server's ServiceAccount admission. No side effects, no caching of answers.
/// </summary>
public interface IServiceAccountLookup
{
    /// <returns>True or false as the API answered; null when that cannot be told (no API configured, an error, a timeout).</returns>
    Task<bool?> ExistsAsync(string @namespace, string name, CancellationToken cancellationToken);
}
