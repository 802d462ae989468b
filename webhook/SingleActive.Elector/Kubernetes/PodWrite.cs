namespace SingleActive.Elector.Kubernetes;

/// <summary>A write <see cref="LeadershipReporter"/> wants on a pod, queued in <see cref="ReportBacklog"/> (compared by reference: the same write may be wanted twice).</summary>
internal abstract class PodWrite(string pod)
{
    public string Pod => pod;
}

/// <summary>Label mode: <c>single-active.io/role</c> on a pod.</summary>
internal sealed class LabelIntent(string pod, string role) : PodWrite(pod)
{
    public string Role => role;
}

/// <summary>Readiness mode: the previous holder's pod marked not ready before the term <see cref="Epoch"/> serves.</summary>
/// <param name="pod">The pod.</param>
/// <param name="epoch">The term that waits for it.</param>
/// <param name="stale">Found by the term's sweep (still Ready or ContainersReady from an earlier term), not the previous holder.</param>
internal sealed class FenceIntent(string pod, int epoch, bool stale = false) : PodWrite(pod)
{
    public int Epoch => epoch;

    public bool Stale => stale;
}

/// <summary>
/// A new term's look for pods of its Lease that an earlier term left serving (Ready in readiness mode, labelled
/// <c>leader</c> in label mode): a fence or a demotion the previous holder still owed when its own term ended, which
/// only the previous holder knew of. Not a write to one pod (<see cref="PodWrite.Pod"/> is empty); it queues those.
/// </summary>
internal sealed class SweepIntent(int epoch) : PodWrite("")
{
    public int Epoch => epoch;
}
