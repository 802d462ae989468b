namespace SingleActive.Elector.Metrics;

/// <summary>
/// A kind of Kubernetes API call the elector makes, as counted by <c>single_active_elector_api_errors_total</c> when it
/// fails. A closed set: the counters are an array indexed by it (see <see cref="ElectorMetrics"/>), and each has one
/// <c>operation</c> label value (<see cref="ApiOperations.Label"/>), which docs/elector.md lists. The members stand in
/// the order of their label values, the order in which <c>/metrics</c> writes them.
/// </summary>
public enum ApiOperation
{
    /// <summary>Writing the single-active.io/candidate condition.</summary>
    Candidacy,

    /// <summary>Creating the Lease.</summary>
    Create,

    /// <summary>Recording a Kubernetes Event.</summary>
    Event,

    /// <summary>Readiness mode: marking the previous holder's pod not ready.</summary>
    Fence,

    /// <summary>Reading the Lease.</summary>
    Get,

    /// <summary>Label mode: labelling a pod leader or standby.</summary>
    Label,

    /// <summary>Listing or watching its node.</summary>
    NodeWatch,

    /// <summary>Listing or watching its own pod.</summary>
    PodWatch,

    /// <summary>Reading a handover's target or the standbys.</summary>
    Pods,

    /// <summary>Releasing the Lease.</summary>
    Release,

    /// <summary>Updating the Lease: a renew or a new term.</summary>
    Update,

    /// <summary>Watching the Lease.</summary>
    Watch,
}
