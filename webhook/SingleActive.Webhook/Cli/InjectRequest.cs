using SingleActive.Contract;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Cli;

/// <summary>The parsed arguments of <c>inject</c>; null members keep the injector's defaults.</summary>
public sealed record InjectRequest(
    IReadOnlyList<string> Files,
    string? Namespace,
    string? Image,
    ElectorMode? Mode,
    SidecarMode? Sidecar,
    Version? KubernetesVersion,
    string? ServiceAccount,
    IReadOnlyList<string> ImagePullSecrets);
