namespace SingleActive.Elector.Metrics;

/// <summary>
/// The <c>operation</c> label of <c>single_active_elector_api_errors_total</c>: which API call failed. docs/elector.md
/// lists them; every one is written at 0 from the start (see <see cref="ElectorMetrics"/>).
/// </summary>
public static class ApiOperations
{
    /// <summary>Reading, creating or updating the Lease: the names <c>LeaseRound</c> (SingleActive.Core) reports as <c>FailedOperation</c>.</summary>
    public const string Get = "get";

    public const string Create = "create";

    public const string Update = "update";

    /// <summary>Watching the Lease.</summary>
    public const string Watch = "watch";

    /// <summary>Releasing the Lease.</summary>
    public const string Release = "release";

    /// <summary>Recording a Kubernetes Event.</summary>
    public const string Event = "event";

    /// <summary>Label mode: labelling a pod leader or standby.</summary>
    public const string Label = "label";

    /// <summary>Readiness mode: marking the previous holder's pod not ready.</summary>
    public const string Fence = "fence";

    /// <summary>Listing or watching its own pod.</summary>
    public const string PodWatch = "pod_watch";

    /// <summary>Listing or watching its node.</summary>
    public const string NodeWatch = "node_watch";

    /// <summary>Reading a handover's target or the standbys.</summary>
    public const string Pods = "pods";

    /// <summary>Writing the single-active.io/candidate condition.</summary>
    public const string Candidacy = "candidacy";

    public static readonly IReadOnlyList<string> All = [Get, Create, Update, Watch, Release, Event, Label, Fence, PodWatch, NodeWatch, Pods, Candidacy];
}
