using System.CommandLine;
using System.Globalization;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Manifests;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Cli;

/// <summary>
/// <c>inject -f FILE|-</c>: offline injection for clusters where the webhook cannot be installed (like
/// <c>istioctl kube-inject</c>). Prints the ServiceAccounts/RoleBindings the electors need, then every input
/// document, injected or unchanged, as YAML for <c>kubectl apply -f -</c>. On any error it prints nothing to
/// stdout, so a pipe into kubectl never applies half of a change.
/// </summary>
public static class InjectCommand
{
    private const string Prefix = WebhookCommands.Name + " inject: ";

    private const string Description = """
        Inject manifests offline, like istioctl kube-inject. Pods, and the pod templates of apps/v1 Deployments and
        StatefulSets, that opt in (annotation single-active: "true", on the template or on the workload) are injected;
        other documents pass through (the items of a List too). Prints what the electors need first: their
        ServiceAccounts and RoleBindings, and per account a ClusterRoleBinding that lets it read its node (applying
        that takes cluster-wide rights); then every document, as YAML. On any error, nothing.
        Example: single-active-webhook inject -f deploy.yaml -n shop | kubectl apply -n shop -f -
        """;

    /// <summary>Runs <c>inject</c> as the binary does; <paramref name="args"/> may start with "inject" or not.</summary>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new WebhookCommands(stdin, stdout, stderr).Run(args is ["inject", ..] ? args : ["inject", .. args]);
    }

    /// <summary>The <c>inject</c> subcommand: its options, and the action that runs <see cref="Execute"/>.</summary>
    internal static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var arguments = new InjectArguments();
        var command = new Command("inject", Description);
        arguments.AddTo(command);
        command.SetAction(parse => Execute(arguments.Read(parse), stdin, stdout, stderr));
        return command;
    }

    /// <summary>Injects the files of a parsed <paramref name="request"/>: 0 written, 1 a file or document failed, 2 invalid options.</summary>
    public static int Execute(InjectRequest request, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var options = Options(request, out var imageWarning);
        if (InjectorOptionsValidator.Check(options, FlagOf) is { Count: > 0 } invalid)
        {
            stderr.WriteLine($"{Prefix}{string.Join("; ", invalid)}");
            return ExitCodes.Usage;
        }

        var documents = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var file in request.Files)
        {
            try
            {
                var text = file == "-" ? stdin.ReadToEnd() : File.ReadAllText(file);
                documents.AddRange(ManifestReader.Read(text));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{Prefix}cannot read \"{file}\": {e.Message}");
                return ExitCodes.Failed;
            }
            catch (ManifestFormatException e)
            {
                stderr.WriteLine($"{Prefix}{(file == "-" ? "stdin" : file)}: {e.Message}");
                return ExitCodes.Failed;
            }
        }

        var injector = new PodInjector(options);
        var manifests = new ManifestInjector(injector, new WorkloadMutator(injector), new JsonPatchBuilder(), request.KubernetesVersion, request.Namespace);
        var result = manifests.Inject(documents);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                stderr.WriteLine(Prefix + error);
            }

            stderr.WriteLine($"{Prefix}nothing was written: fix the {(result.Errors.Count == 1 ? "error" : result.Errors.Count.ToString(CultureInfo.InvariantCulture) + " errors")} above");
            return ExitCodes.Failed;
        }

        if (imageWarning is not null && result.ServiceAccounts.Count > 0)
        {
            stderr.WriteLine("Warning: " + imageWarning);
        }

        foreach (var warning in result.Warnings)
        {
            stderr.WriteLine("Warning: " + warning);
        }

        ManifestWriter.Write(stdout, [.. ElectorRbacManifests.Render(result.ServiceAccounts), .. result.Documents]);
        stdout.Flush();
        return ExitCodes.Ok;
    }

    /// <summary>The flag that sets an <see cref="InjectorOptions"/> property, for the validator's messages; the setting's key for the rest.</summary>
    private static string FlagOf(string property) => property switch
    {
        nameof(InjectorOptions.Image) => "--image",
        nameof(InjectorOptions.ImagePullSecrets) => "--image-pull-secret",
        nameof(InjectorOptions.ServiceAccountName) => "--service-account",
        nameof(InjectorOptions.Mode) => "--mode",
        nameof(InjectorOptions.SidecarMode) => "--sidecar",
        _ => $"{InjectorOptions.SectionName}:{property}",
    };

    private static InjectorOptions Options(InjectRequest request, out string? imageWarning)
    {
        var options = new InjectorOptions();
        imageWarning = null;
        if (request.Image is { } image)
        {
            options.Image = image;
        }
        else if (Environment.GetEnvironmentVariable(InjectorOptions.ImageEnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            options.Image = fromEnvironment;
        }
        else
        {
            imageWarning = $"no --image given and {InjectorOptions.ImageEnvironmentVariable} is not set; the elector image is \"{options.Image}\", the local default, which a cluster pulls only where it was loaded: " +
                "pass --image with the image the webhook runs (kubectl get deployment single-active-webhook -n single-active-system -o jsonpath='{.spec.template.spec.containers[0].image}')";
        }

        options.Mode = request.Mode ?? options.Mode;
        options.SidecarMode = request.Sidecar ?? options.SidecarMode;
        options.ServiceAccountName = request.ServiceAccount ?? options.ServiceAccountName;
        options.ImagePullSecrets = [.. request.ImagePullSecrets];
        return options;
    }
}
