namespace SingleActive.Elector.Health;

/// <summary>An app probe that failed, with the reason the kubelet would give (refused, timed out, HTTP status).</summary>
public sealed class AppProbeFailedException : Exception
{
    public AppProbeFailedException()
    {
    }

    public AppProbeFailedException(string message)
        : base(message)
    {
    }

    public AppProbeFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
