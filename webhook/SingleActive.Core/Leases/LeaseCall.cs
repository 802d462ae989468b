namespace SingleActive.Core.Leases;

/// <summary>The Lease API call of a <see cref="LeaseRound"/> attempt that failed (see <see cref="LeaseRoundOutcome.FailedCall"/>).</summary>
public enum LeaseCall
{
    /// <summary>Reading the Lease (<c>GET</c>).</summary>
    Get,

    /// <summary>Creating the Lease (<c>POST</c>): none existed.</summary>
    Create,

    /// <summary>Replacing the Lease with a resourceVersion precondition (<c>PUT</c>): a renew or a new term.</summary>
    Update,
}
