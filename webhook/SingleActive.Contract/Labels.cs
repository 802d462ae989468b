namespace SingleActive.Contract;

/// <summary>Labels the elector writes on its own pod in label mode.</summary>
public static class Labels
{
    public const string Role = "single-active.io/role";
    public const string Leader = "leader";
    public const string Standby = "standby";
}
