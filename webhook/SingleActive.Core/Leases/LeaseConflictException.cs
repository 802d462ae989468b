namespace SingleActive.Core.Leases;

/// <summary>A write lost the optimistic-concurrency race: the Lease changed (or appeared, or vanished) since it was read.</summary>
public sealed class LeaseConflictException : Exception
{
    public LeaseConflictException()
    {
    }

    public LeaseConflictException(string message)
        : base(message)
    {
    }

    public LeaseConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
