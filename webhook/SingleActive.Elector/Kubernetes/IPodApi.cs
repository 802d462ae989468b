using System.Text.Json.Nodes;

namespace SingleActive.Elector.Kubernetes;

/// <summary>The pod-level API calls the elector makes besides the Lease: Events, role labels, and fencing the previous holder's pod.</summary>
public interface IPodApi
{
    /// <summary>Creates a core/v1 Event (the object as JSON).</summary>
    Task CreateEventAsync(JsonObject @event, CancellationToken cancellationToken);

    /// <summary>Sets <c>single-active.io/role</c> on a pod, and the deletion cost that goes with the role; <c>false</c> when the pod does not exist.</summary>
    Task<bool> SetRoleLabelAsync(string podName, string role, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the pod's <c>Ready</c> and <c>ContainersReady</c> conditions to <c>False</c> through <c>pods/status</c> (the
    /// node lifecycle controller sets <c>Ready</c> of the pods of an unreachable node; see
    /// <see cref="KubernetesPodApi.FencedConditions"/> for the other), and its deletion cost to a standby's; <c>false</c>
    /// when the pod does not exist.
    /// </summary>
    Task<bool> MarkNotReadyAsync(string podName, string reason, string message, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// The running pods of Lease <paramref name="leaseName"/> (the <c>lease</c> of the webhook's status annotation) that
    /// are not being deleted. Throws when they cannot be listed (<see cref="KubeApiException"/> 403: no <c>list</c> on pods).
    /// </summary>
    Task<IReadOnlyList<LeasePod>> ListLeasePodsAsync(string leaseName, CancellationToken cancellationToken);

    /// <summary>The pod's uid, or <c>null</c> when it cannot be read (e.g. no permission).</summary>
    Task<string?> GetPodUidAsync(string podName, CancellationToken cancellationToken);
}
