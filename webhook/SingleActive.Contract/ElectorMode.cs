namespace SingleActive.Contract;

/// <summary>How leadership reaches the Service.</summary>
public enum ElectorMode
{
    /// <summary>Only the leader is Ready (the elector's readinessProbe follows leadership).</summary>
    Readiness,

    /// <summary>Readiness follows health only; the elector labels its pod leader/standby and Services select the label.</summary>
    Label,
}
