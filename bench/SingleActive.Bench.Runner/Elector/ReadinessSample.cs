namespace SingleActive.Bench.Runner.Elector;

/// <summary>Which replicas answered /readyz 200 at one instant (milliseconds since the scenario began).</summary>
public sealed record ReadinessSample(double AtMs, bool[] Ready)
{
    public int ReadyCount => Ready.Count(r => r);
}
