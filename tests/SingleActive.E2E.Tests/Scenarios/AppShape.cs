namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// How a scenario's app container looks beyond the defaults: its args (the kubelet stand-in's app server
/// reads <c>--tls</c>, <c>--listen=pod-ip</c>, <c>--require-host=</c>, <c>--shutdown-seconds=</c>; see
/// <c>AppServer</c>), its own readinessProbe (a YAML flow mapping), the pod's grace period, and whether
/// the replicas must each run on a node of their own (required pod anti-affinity on the hostname). With a
/// <see cref="Command"/> whose first word is an executable on this host the app runs as that process (see
/// <c>PodContainer</c>), with <see cref="Env"/> (a YAML flow sequence of env vars).
/// </summary>
internal sealed record AppShape(
    IReadOnlyList<string>? Args = null,
    string? ReadinessProbe = null,
    int TerminationGracePeriodSeconds = 10,
    bool OnePerNode = false,
    IReadOnlyList<string>? Command = null,
    string? Env = null);
