namespace SingleActive.Elector.Succession;

/// <summary>See <see cref="SuccessionPlan.Action"/>.</summary>
public enum SuccessionAction
{
    /// <summary>Keep leading: nothing calls for a handover, or a rollout's updated standbys are not up yet.</summary>
    Stay,

    /// <summary>Hand the Lease to <see cref="SuccessionPlan.Target"/> now.</summary>
    HandOver,

    /// <summary>The node drains but no standby elsewhere can take over: keep leading and say why.</summary>
    Blocked,
}
