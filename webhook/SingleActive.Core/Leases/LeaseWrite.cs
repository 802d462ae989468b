namespace SingleActive.Core.Leases;

/// <summary>A record to write (<see cref="LeaseElection.Desired"/>) and whom its term succeeds (<c>null</c>: nobody known, or a renew).</summary>
public sealed record LeaseWrite(LeaseRecord Record, string? PreviousHolder);
