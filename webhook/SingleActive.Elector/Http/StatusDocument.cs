namespace SingleActive.Elector.Http;

/// <summary>The <c>/status</c> JSON body; field names are part of the contract apps rely on.</summary>
public sealed record StatusDocument(
    string Identity,
    string? Leader,
    bool IsLeader,
    int LeaseTransitions,
    DateTimeOffset? AcquiredAt,
    DateTimeOffset? LastRenewedAt,
    bool Ready,
    string Lease);
