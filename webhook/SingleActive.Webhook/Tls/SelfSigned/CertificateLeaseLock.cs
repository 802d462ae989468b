using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// One certificate writer at a time among the webhook replicas: a coordination.k8s.io Lease, acquired and
/// renewed with resourceVersion preconditions (a lost race is a 409, never two holders). Expiry is judged
/// by the local clock from when this replica last saw the record change, as client-go does, so clock skew
/// between nodes cannot make a live holder look expired. Correctness of the Secret does not rest on it
/// (every Secret write has a resourceVersion precondition too); it keeps two replicas from minting CAs.
/// </summary>
public sealed class CertificateLeaseLock(IKubernetes client, string @namespace, string name, string identity, TimeSpan duration, TimeProvider timeProvider)
{
    private string? _observedRecord;
    private DateTimeOffset _observedAt;

    public string Identity => identity;

    /// <summary>True when this replica holds the Lease after the call (acquired, renewed or taken over from an expired holder).</summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        V1Lease? lease;
        try
        {
            lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            lease = null;
        }

        if (lease is null)
        {
            var created = new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
                Spec = Record(now, acquired: now, transitions: 0),
            };
            return await WriteAsync(() => client.CoordinationV1.CreateNamespacedLeaseAsync(created, @namespace, cancellationToken: cancellationToken), now).ConfigureAwait(false);
        }

        var spec = lease.Spec ?? new V1LeaseSpec();
        var record = $"{spec.HolderIdentity}|{spec.RenewTime:O}|{spec.LeaseDurationSeconds}";
        if (record != _observedRecord)
        {
            _observedRecord = record;
            _observedAt = now;
        }

        var heldByMe = spec.HolderIdentity == identity;
        var heldByOther = !heldByMe && !string.IsNullOrEmpty(spec.HolderIdentity)
            && now < _observedAt + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? (int)duration.TotalSeconds);
        if (heldByOther)
        {
            return false;
        }

        lease.Spec = heldByMe
            ? Record(now, acquired: spec.AcquireTime is { } acquiredAt ? new DateTimeOffset(DateTime.SpecifyKind(acquiredAt, DateTimeKind.Utc)) : now, transitions: spec.LeaseTransitions ?? 0)
            : Record(now, acquired: now, transitions: (spec.LeaseTransitions ?? 0) + 1);
        // Replace carries metadata.resourceVersion: if anyone wrote in between, the API server answers 409.
        // managedFields are left out (the server keeps them): the Aot serializer cannot write FieldsV1.
        lease.Metadata.ManagedFields = null;
        return await WriteAsync(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: cancellationToken), now).ConfigureAwait(false);
    }

    /// <summary>Gives the Lease up on shutdown so another replica takes over at its next poll, not after the duration.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (lease.Spec?.HolderIdentity != identity)
        {
            return;
        }

        lease.Spec.HolderIdentity = null;
        lease.Spec.LeaseDurationSeconds = 1;
        lease.Metadata.ManagedFields = null;
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private V1LeaseSpec Record(DateTimeOffset now, DateTimeOffset acquired, int transitions) => new()
    {
        HolderIdentity = identity,
        LeaseDurationSeconds = Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds)),
        AcquireTime = acquired.UtcDateTime,
        RenewTime = now.UtcDateTime,
        LeaseTransitions = transitions,
    };

    private async Task<bool> WriteAsync(Func<Task<V1Lease>> write, DateTimeOffset now)
    {
        try
        {
            var written = await write().ConfigureAwait(false);
            _observedRecord = $"{written.Spec?.HolderIdentity}|{written.Spec?.RenewTime:O}|{written.Spec?.LeaseDurationSeconds}";
            _observedAt = now;
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict)
        {
            return false;
        }
    }
}
