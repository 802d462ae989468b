namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// What the process kubelet did to a container or saw it do, in order and with the time: the record
/// a test reads to check ordering that the API's second-resolution timestamps cannot show
/// (e.g. that a native sidecar was stopped only after the app containers exited).
/// </summary>
/// <param name="ExitCode">For <see cref="ContainerEventKind.Exited"/>.</param>
public sealed record ContainerEvent(DateTime At, string Container, ContainerEventKind Kind, int? ExitCode = null)
{
    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Container} {Kind}{(ExitCode is { } exit ? " " + exit : "")}";
}
