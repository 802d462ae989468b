namespace SingleActive.Kubectl.Workloads;

/// <summary>The named workload does not exist or does not opt in; the message says which (exit code 1).</summary>
public sealed class WorkloadNotFoundException : Exception
{
    public WorkloadNotFoundException()
    {
    }

    public WorkloadNotFoundException(string message)
        : base(message)
    {
    }

    public WorkloadNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
