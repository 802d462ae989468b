using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Pods that run to completion (<c>restartPolicy</c> <c>Never</c> or <c>OnFailure</c>: Jobs, CronJobs). A pod
/// completes only when all of its regular containers have exited, and an elector never exits by itself, so as a
/// regular container it would keep the pod (and its Job) running forever. A native sidecar does not count: the
/// kubelet stops it once the regular containers are done (KEP-753), so only that form is injected into them.
/// </summary>
public static class RunToCompletion
{
    public static bool Applies(V1PodSpec? spec) => spec?.RestartPolicy is "Never" or "OnFailure";

    /// <returns>Null when the pod may be injected with the chosen sidecar form; otherwise the denial.</returns>
    public static string? Check(V1PodSpec? spec, SidecarChoice sidecar, string description)
    {
        if (sidecar.Native || !Applies(spec))
        {
            return null;
        }

        return $"{description} has restartPolicy \"{spec!.RestartPolicy}\" (a Job's or CronJob's pod runs to completion), " +
            "and an elector in a regular container never exits, so the pod would never complete. single-active injects such pods only " +
            $"with the elector as a native sidecar, which the kubelet stops when the pod's containers are done, and here it would be a regular container ({sidecar.Reason}). " +
            "Run it where the API server and every node are 1.29 or newer, with the elector as a native sidecar (the webhook's Injector:SidecarMode " +
            "\"auto\" or \"native\"; offline, inject --kubernetes-version 1.29 or --sidecar native), " +
            "or remove the \"single-active\" annotation from the Job's pod template";
    }
}
