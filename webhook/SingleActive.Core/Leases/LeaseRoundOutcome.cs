namespace SingleActive.Core.Leases;

/// <summary>
/// How one <see cref="LeaseRound.AttemptAsync"/> ended. At most one of <see cref="Written"/>, <see cref="HeldBy"/> and
/// <see cref="Error"/> is set; none when the round lost a race (a 409) or the campaign stopped leading meanwhile.
/// </summary>
/// <param name="Written">The record written: the term was taken or renewed.</param>
/// <param name="PreviousHolder">Whom a newly taken term succeeds.</param>
/// <param name="HeldBy">The rules said wait: the holder of the Lease as read (<c>null</c>: none, a term still running).</param>
/// <param name="FailedCall">The API call that failed; set with <see cref="Error"/>.</param>
/// <param name="Error">Why it failed; an <see cref="OperationCanceledException"/> is the attempt's own timeout.</param>
public readonly record struct LeaseRoundOutcome(LeaseRecord? Written, string? PreviousHolder, string? HeldBy, LeaseCall? FailedCall, Exception? Error)
{
    /// <summary>The call timed out (its token or the client's own timeout): worth retrying at once on a fresh connection.</summary>
    public bool TimedOut => Error is OperationCanceledException or TimeoutException;
}
