namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Read-only questions about ServiceAccounts, answered by the API server. Dry runs ask whether the elector's
/// account exists: they must not create it (<see cref="IServiceAccountProvisioner"/> is never called), yet a
/// dry-run pod naming a missing account is rejected by the API server's ServiceAccount admission. Every pod
/// that would be switched to the elector's account first has its own account's annotations read, so a cloud
/// identity bound to it is never moved silently (<see cref="Injection.CloudIdentity"/>). No side effects, no
/// caching of answers.
/// </summary>
public interface IServiceAccountLookup
{
    /// <returns>True or false as the API answered; null when that cannot be told (no API configured, an error, a timeout).</returns>
    Task<bool?> ExistsAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <returns>
    /// The account's annotations (empty when it has none or does not exist); null when they cannot be told
    /// (no API configured, an error, a timeout).
    /// </returns>
    Task<IReadOnlyDictionary<string, string>?> AnnotationsAsync(string @namespace, string name, CancellationToken cancellationToken);
}
