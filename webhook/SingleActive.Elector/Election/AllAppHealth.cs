namespace SingleActive.Elector.Election;

/// <summary>Several health gates at once: a replica campaigns only when every one lets it, and steps down when any one says so.</summary>
public sealed class AllAppHealth(params IAppHealth[] gates) : IAppHealth
{
    public bool CanCampaign => gates.All(g => g.CanCampaign);

    public bool ShouldStepDown => gates.Any(g => g.ShouldStepDown);

    public void CheckNow()
    {
        foreach (var gate in gates)
        {
            gate.CheckNow();
        }
    }
}
