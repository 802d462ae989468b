using System.Globalization;
using SingleActive.Webhook.Injection;
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
    public const string Usage = """
        Usage: single-active-webhook inject -f FILE|- [-f FILE]... [options]
          -f, --filename FILE        manifests to inject: YAML (documents separated by ---) or JSON; "-" reads stdin
          -n, --namespace NS         namespace of documents that name none (needed for the elector's RoleBinding);
                                     apply the output with the same -n
          --image IMAGE              the elector image (default: env SINGLE_ACTIVE_IMAGE)
          --mode readiness|label     mode for templates and pods without single-active.io/mode (default readiness)
          --sidecar auto|native|container
                                     how the elector is added (default auto: native from Kubernetes 1.29)
          --kubernetes-version X.Y   the target cluster's version, for --sidecar auto (default: unknown, a regular container)
          --service-account NAME     the dedicated account for pods on "default" (default single-active-elector)
        Pods, and the pod templates of apps/v1 Deployments and StatefulSets, that opt in (annotation
        single-active: "true", on the template or on the workload) are injected; other documents pass through.
        Example: single-active-webhook inject -f deploy.yaml -n shop | kubectl apply -n shop -f -
        """;

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        const string Prefix = "single-active-webhook inject: ";
        var arguments = args is ["inject", .. var rest] ? rest : args;
        if (arguments is ["-h" or "--help"])
        {
            stdout.WriteLine(Usage);
            return 0;
        }

        if (!InjectArguments.TryParse(arguments, out var request, out var problem))
        {
            stderr.WriteLine($"{Prefix}{problem}\n\n{Usage}");
            return 2;
        }

        var options = Options(request, out var imageWarning);
        if (InjectorOptionsValidator.Check(options) is { Count: > 0 } invalid)
        {
            stderr.WriteLine($"{Prefix}{string.Join("; ", invalid)}");
            return 2;
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
                return 1;
            }
            catch (ManifestFormatException e)
            {
                stderr.WriteLine($"{Prefix}{(file == "-" ? "stdin" : file)}: {e.Message}");
                return 1;
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
            return 1;
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
        return 0;
    }

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
            imageWarning = $"no --image given and {InjectorOptions.ImageEnvironmentVariable} is not set; the elector image is \"{options.Image}\"";
        }

        options.Mode = request.Mode ?? options.Mode;
        options.SidecarMode = request.Sidecar ?? options.SidecarMode;
        options.ServiceAccountName = request.ServiceAccount ?? options.ServiceAccountName;
        return options;
    }
}
