namespace SingleActive.Bench.LeaderElectorBaseline;

/// <summary>A flag the elector callbacks flip and the HTTP handler reads.</summary>
internal sealed class ReadyFlag
{
    private volatile bool _value;

    public bool Value => _value;

    public void Set(bool value) => _value = value;
}
