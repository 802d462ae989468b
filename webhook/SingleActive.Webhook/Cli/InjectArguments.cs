using System.CommandLine;
using System.CommandLine.Parsing;
using SingleActive.Contract;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Cli;

/// <summary><c>inject</c>'s options and the <see cref="InjectRequest"/> they parse to; every problem names the flag and the accepted values.</summary>
internal sealed class InjectArguments
{
    public Option<List<string>> Files { get; } = new("--filename", "-f")
    {
        Description = "manifests to inject: YAML (documents separated by ---) or JSON; \"-\" reads stdin (repeatable)",
        HelpName = "FILE|-",
    };

    public Option<string?> Namespace { get; } = LastValueOption.Text(
        "--namespace", "NS", "namespace of documents that name none (needed for the elector's RoleBinding); apply the output with the same -n", "-n");

    public Option<string?> Image { get; } = LastValueOption.Text(
        "--image", "IMAGE", $"the elector image (default: env {InjectorOptions.ImageEnvironmentVariable})");

    public Option<ElectorMode?> Mode { get; } = LastValueOption.Create<ElectorMode?>(
        "--mode", "readiness|label", "mode for templates and pods without single-active.io/mode (default readiness)", [], TryParseMode,
        value => $"--mode is \"{value}\"; accepted values are {ElectorModes.AcceptedValues}");

    public Option<SidecarMode?> Sidecar { get; } = LastValueOption.Create<SidecarMode?>(
        "--sidecar", "auto|native|container", "how the elector is added (default auto: native from Kubernetes 1.29)", [], TryParseSidecar,
        value => $"--sidecar is \"{value}\"; accepted values are auto, native, container");

    public Option<Version?> KubernetesVersion { get; } = LastValueOption.Create<Version?>(
        "--kubernetes-version", "X.Y", "the target cluster's version, taken for its API server and every node's kubelet, for --sidecar auto (default: unknown, a regular container); give the oldest node's where nodes lag the control plane", [], TryParseVersion,
        value => $"--kubernetes-version is \"{value}\"; expected a version such as 1.29 or v1.30.2");

    public Option<string?> ServiceAccount { get; } = LastValueOption.Text(
        "--service-account", "NAME", "the dedicated account for pods on \"default\" (default single-active-elector)");

    public Option<List<string>> ImagePullSecrets { get; } = new("--image-pull-secret")
    {
        Description = "a Secret that pulls the elector image, added to each injected pod's imagePullSecrets (repeatable; it must exist in the namespace)",
        HelpName = "NAME",
    };

    /// <summary>Adds the options, and the checks that span them, to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Files, Namespace, Image, Mode, Sidecar, KubernetesVersion, ServiceAccount, ImagePullSecrets })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(Validate);
    }

    public InjectRequest Read(ParseResult parse) => new(
        parse.GetValue(Files) ?? [],
        parse.GetValue(Namespace) is { Length: > 0 } ns ? ns : null,
        parse.GetValue(Image),
        parse.GetValue(Mode),
        parse.GetValue(Sidecar),
        parse.GetValue(KubernetesVersion),
        parse.GetValue(ServiceAccount),
        parse.GetValue(ImagePullSecrets) ?? []);

    private void Validate(CommandResult result)
    {
        // A -f without its value is already reported by the parser.
        if (result.GetResult(Files) is not { } files)
        {
            result.AddError("-f FILE (or -f - for stdin) is required");
        }
        else if (files.Tokens.Count(t => t.Value == "-") > 1)
        {
            result.AddError("stdin (-f -) can be read only once");
        }
        else if (files.Tokens.FirstOrDefault(t => Directory.Exists(t.Value)) is { } directory)
        {
            result.AddError($"-f {directory.Value} is a directory; give the manifest files themselves (-f a.yaml -f b.yaml)");
        }

        // The last -n wins (LastValueOption); one without a value is the parser's to report. An empty one is no -n, as for
        // kubectl (-n "" falls back to the context's namespace), so that a script's unset variable works the same here.
        if (result.GetResult(Namespace) is { Tokens: [.., var ns] } && ns.Value.Length > 0 && !KubernetesNames.IsDnsLabel(ns.Value))
        {
            result.AddError($"--namespace \"{ns.Value}\" is not a namespace name (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)");
        }
    }

    private static bool TryParseMode(string text, out ElectorMode? value)
    {
        var parsed = ElectorModes.TryParse(text, out var mode);
        value = mode;
        return parsed;
    }

    private static bool TryParseSidecar(string text, out SidecarMode? value)
    {
        var parsed = Enum.TryParse<SidecarMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _);
        value = mode;
        return parsed;
    }

    // "v1.30.2-gke.100" and "1.29" alike: only major.minor matter here.
    private static bool TryParseVersion(string text, out Version? value) =>
        Version.TryParse(text.TrimStart('v').Split('-', '+')[0], out value);
}
