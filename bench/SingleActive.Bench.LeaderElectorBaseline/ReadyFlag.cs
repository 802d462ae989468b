namespace SingleActive.Bench.LeaderElectorBaseline;

/// <summary>A flag the elector callbacks flip and the HTTP handler reads.</summary>
internal sealed class ReadyFlag
{
    private volatile bool value;

    public bool Value => value;

    public void Set(bool value) => this.value = value;
}
