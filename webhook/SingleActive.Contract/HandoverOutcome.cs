namespace SingleActive.Contract;

/// <summary>Where a directed handover stands (<see cref="HandoverRecord.Outcome"/>).</summary>
public enum HandoverOutcome
{
    /// <summary>The leader released the Lease to the chosen pod, which has not taken it yet.</summary>
    InProgress,

    /// <summary>The chosen pod took the Lease (or already held it).</summary>
    Done,

    /// <summary>The leader refused the request and keeps leading; the reason says why.</summary>
    Refused,

    /// <summary>The chosen pod did not take the released Lease within the handover window; another replica did.</summary>
    Failed,
}
