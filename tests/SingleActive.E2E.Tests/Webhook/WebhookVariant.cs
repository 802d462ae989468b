namespace SingleActive.E2E.Tests.Webhook;

/// <summary>
/// Which webhook process of the suite: the default one (deploy/overlays/local as it is, so every
/// namespace not opted out), or a variant with its own settings, side by side with it. A variant's
/// registration selects only namespaces labelled <see cref="NamespaceLabel"/>=<see cref="Name"/>, which
/// are also opted out of the default one (<see cref="WebhookProcess.ServeNamespaceAsync"/>).
/// </summary>
/// <param name="Name">Names its directory, process and registration.</param>
/// <param name="Settings">Environment of the webhook process: configuration such as <c>Injector__SidecarMode</c>.</param>
public sealed record WebhookVariant(string Name, IReadOnlyDictionary<string, string> Settings)
{
    public const string NamespaceLabel = "e2e.single-active.io/webhook";

    public static readonly WebhookVariant Default = new("default", new Dictionary<string, string>());

    /// <summary><c>Injector:SidecarMode=native</c>: the elector is a native sidecar whatever the server version.</summary>
    public static readonly WebhookVariant NativeSidecar = new("native-sidecar", new Dictionary<string, string> { ["Injector__SidecarMode"] = "native" });

    /// <summary><c>Injector:ImagePullSecrets:0=regcred</c>: the elector image comes from a private registry.</summary>
    public static readonly WebhookVariant PrivateRegistry = new("private-registry", new Dictionary<string, string> { ["Injector__ImagePullSecrets__0"] = "regcred" });

    public bool IsDefault => Name == Default.Name;

    public string ConfigurationName => IsDefault ? WebhookRegistration.ConfigurationName : $"{WebhookRegistration.ConfigurationName}-{Name}";
}
