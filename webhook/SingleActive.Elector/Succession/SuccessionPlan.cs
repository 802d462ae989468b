namespace SingleActive.Elector.Succession;

/// <summary>What the leader should do about its succession now (see <see cref="SuccessionPlanner"/>).</summary>
/// <param name="Action">Stay, hand over to <paramref name="Target"/>, or stay because nobody qualifies (<see cref="SuccessionAction.Blocked"/>).</param>
/// <param name="Trigger"><see cref="Contract.PlannedHandover.NodeDrain"/> or <see cref="Contract.PlannedHandover.Rollout"/>; null when nothing calls for a handover.</param>
/// <param name="Target">The chosen standby.</param>
/// <param name="Reason">Why, in words for people (Events, the Lease's last-handover, the log).</param>
/// <param name="Outdated">This leader's pod is of an older template revision than its workload's (a rollout is under way).</param>
public sealed record SuccessionPlan(SuccessionAction Action, string? Trigger, string? Target, string Reason, bool Outdated)
{
    public static readonly SuccessionPlan Stay = new(SuccessionAction.Stay, null, null, "nothing calls for a handover", false);
}
