using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Controls;
using SingleActive.Kubectl.Doctor;
using SingleActive.Kubectl.Output;
using SingleActive.Kubectl.Status;
using SingleActive.Kubectl.Workloads;

namespace SingleActive.Kubectl.CommandLine;

/// <summary>
/// <c>kubectl single-active status|handover|pause|resume|doctor</c>, with kubectl's flags (<c>--kubeconfig</c>,
/// <c>--context</c>, <c>-n</c>, <c>-A</c>, <c>-o</c>). Results on stdout, <c>error: …</c> on stderr, exit codes in
/// <see cref="ExitCodes"/>.
/// </summary>
public sealed class PluginCommands(TextWriter stdout, TextWriter stderr, Func<string, string?> environment, TimeProvider time)
{
    private readonly Option<string?> kubeconfig = new("--kubeconfig") { Description = "Path to the kubeconfig file (default: KUBECONFIG, else ~/.kube/config)", Recursive = true };
    private readonly Option<string?> context = new("--context") { Description = "The kubeconfig context to use", Recursive = true };
    private readonly Option<string?> @namespace = new("--namespace", "-n") { Description = "The namespace (default: the context's)", Recursive = true };
    private readonly Option<bool> allNamespaces = new("--all-namespaces", "-A") { Description = "Every namespace", Recursive = true };
    private readonly Option<string?> output = new("--output", "-o") { Description = "Output format: wide, json or yaml", Recursive = true };

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("See 'kubectl single-active --help'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false);
    }

    private RootCommand Build()
    {
        var root = new RootCommand("Operator controls for single-active workloads: who leads, directed handover, pause, and a check of the installation.")
        {
            kubeconfig, context, @namespace, allNamespaces, output,
        };

        var statusWorkload = Workload("Only this workload (NAME, deployment/NAME or statefulset/NAME)", ArgumentArity.ZeroOrOne);
        var status = new Command("status", "Every single-active workload: mode, leader and its node, epoch, leading since, standbys ready to take over, paused") { statusWorkload };
        status.SetAction((parse, ct) => RunAsync(parse, ct, c => StatusAsync(c, parse.GetValue(statusWorkload), parse.GetValue(allNamespaces), ct)));

        var handoverWorkload = Workload("The workload (NAME, deployment/NAME or statefulset/NAME)", ArgumentArity.ExactlyOne);
        var to = new Option<string?>("--to") { Description = "The pod to hand over to (default: any standby that can take over)" };
        var timeout = Timeout("How long to wait for the result", TimeSpan.FromSeconds(30));
        var cancel = new Option<bool>("--cancel") { Description = "Withdraw a handover request no leader has answered yet, instead of making one" };
        var handover = new Command("handover", "Move leadership to another replica (--to POD, or any healthy standby) and wait for the result") { handoverWorkload, to, timeout, cancel };
        handover.Validators.Add(result =>
        {
            if (result.GetValue(cancel) && (result.GetValue(to) is not null || result.GetResult(timeout) is { Implicit: false }))
            {
                result.AddError("--cancel withdraws a request and waits for nothing: drop --to and --timeout");
            }
        });
        handover.SetAction((parse, ct) => RunAsync(parse, ct, async c =>
        {
            var control = new LeaseControl(c.Client, time);
            var workload = await FindAsync(c, parse.GetValue(handoverWorkload)!, ct).ConfigureAwait(false);
            return Print(parse.GetValue(cancel)
                ? await control.CancelHandoverAsync(workload, ct).ConfigureAwait(false)
                : await control.HandoverAsync(workload, parse.GetValue(to), parse.GetValue(timeout), ct).ConfigureAwait(false));
        }));

        var pauseWorkload = Workload("The workload", ArgumentArity.ExactlyOne);
        // The pause is in force once it is written (every elector reads the Lease before it acts on it); the wait is for the leader's acknowledgement only.
        var acknowledgement = Timeout("How long to wait for the leader's acknowledgement (the pause or resume is in force either way)", TimeSpan.FromSeconds(10));
        var pause = new Command("pause", "Freeze failover: no standby takes the Lease, not even when the leader stops, until resume") { pauseWorkload, acknowledgement };
        pause.SetAction((parse, ct) => RunAsync(parse, ct, async c =>
            Print(await new LeaseControl(c.Client, time).PauseAsync(await FindAsync(c, parse.GetValue(pauseWorkload)!, ct).ConfigureAwait(false), true, parse.GetValue(acknowledgement), ct).ConfigureAwait(false))));

        var resumeWorkload = Workload("The workload", ArgumentArity.ExactlyOne);
        var resume = new Command("resume", "Let failover happen again (a standby takes over at once if the leader is gone)") { resumeWorkload, acknowledgement };
        resume.SetAction((parse, ct) => RunAsync(parse, ct, async c =>
            Print(await new LeaseControl(c.Client, time).PauseAsync(await FindAsync(c, parse.GetValue(resumeWorkload)!, ct).ConfigureAwait(false), false, parse.GetValue(acknowledgement), ct).ConfigureAwait(false))));

        var doctor = new Command("doctor", "Check the installation and every single-active workload; each finding with its fix (exit code 3 when an error is found)");
        doctor.SetAction((parse, ct) => RunAsync(parse, ct, c => DoctorAsync(c, ct)));

        foreach (var (command, workload) in new[] { (status, statusWorkload), (handover, handoverWorkload), (pause, pauseWorkload), (resume, resumeWorkload) })
        {
            command.Validators.Add(result =>
            {
                if (result.GetValue(allNamespaces) && result.GetValue(workload) is not null)
                {
                    result.AddError("a WORKLOAD needs a namespace: drop -A");
                }
            });
        }

        root.Subcommands.Add(status);
        root.Subcommands.Add(handover);
        root.Subcommands.Add(pause);
        root.Subcommands.Add(resume);
        root.Subcommands.Add(doctor);
        return root;
    }

    /// <summary>A WORKLOAD argument: a reference of another kind is a usage error (exit 2) before any cluster is asked.</summary>
    private static Argument<string?> Workload(string description, ArgumentArity arity)
    {
        var argument = new Argument<string?>("WORKLOAD") { Description = description, Arity = arity };
        argument.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } reference && reference.StartsWith('-'))
            {
                // An optional argument takes any token the parser does not know, a mistyped flag included.
                result.AddError($"unknown option \"{reference}\" (see --help)");
            }
            else if (result.GetValueOrDefault<string?>() is { } named && WorkloadCatalog.ReferenceProblem(named) is { } problem)
            {
                result.AddError(problem);
            }
        });
        return argument;
    }

    private static Option<TimeSpan> Timeout(string description, TimeSpan defaultValue) =>
        new("--timeout") { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = ParseDuration };

    /// <summary>kubectl's form (<c>30s</c>, <c>1m</c>, <c>1500ms</c>) or <c>hh:mm:ss</c>, the form the help shows the default in.</summary>
    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if ((SingleActive.Contract.Duration.TryParse(text, out var value) || TimeSpan.TryParseExact(text, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out value))
            && value > TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"--timeout: \"{text}\" is not a duration such as 30s, 1m or 00:00:30");
        return default;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<PluginContext, Task<int>> command)
    {
        if (!TryFormat(parse.GetValue(output), out var format))
        {
            await stderr.WriteLineAsync($"error: unknown output format \"{parse.GetValue(output)}\": use wide, json or yaml").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var source = "";
        try
        {
            using var connection = PluginContext.Connect(parse.GetValue(kubeconfig), parse.GetValue(context), environment);
            source = connection.Description;
            if (connection.Client is not { } client)
            {
                await stderr.WriteLineAsync("error: no Kubernetes configuration: set KUBECONFIG, pass --kubeconfig, or run in a pod").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var ns = parse.GetValue(allNamespaces) ? null : parse.GetValue(@namespace) ?? connection.DefaultNamespace ?? "default";
            return await command(new PluginContext(client, ns, format, time)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Failed;
        }
        catch (Exception e) when (PluginErrors.IsReported(e))
        {
            await stderr.WriteLineAsync("error: " + PluginErrors.Describe(e, source)).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    private async Task<int> StatusAsync(PluginContext c, string? workload, bool all, CancellationToken cancellationToken)
    {
        var workloads = workload is null
            ? await new WorkloadCatalog(c.Client).ListAsync(c.Namespace, cancellationToken).ConfigureAwait(false)
            : [await FindAsync(c, workload, cancellationToken).ConfigureAwait(false)];
        var reader = new StatusReader(c.Client);
        var statuses = new List<WorkloadStatus>();
        foreach (var w in workloads)
        {
            statuses.Add(await reader.ReadAsync(w, cancellationToken).ConfigureAwait(false));
        }

        if (statuses.Count == 0 && c.Format is OutputFormat.Table or OutputFormat.Wide)
        {
            await stderr.WriteLineAsync(all ? "No single-active workloads found." : $"No single-active workloads found in {c.Namespace} namespace.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await stdout.WriteAsync(StatusRenderer.Render(statuses, c.Format, all, c.Time.GetUtcNow())).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private async Task<int> DoctorAsync(PluginContext c, CancellationToken cancellationToken)
    {
        var snapshot = await new SnapshotReader(c.Client).ReadAsync(c.Namespace, cancellationToken).ConfigureAwait(false);
        var findings = DoctorChecks.Run(snapshot, c.Time.GetUtcNow());
        await stdout.WriteAsync(DoctorRenderer.Render(findings, c.Format)).ConfigureAwait(false);
        return findings.Any(f => f.Severity == Severity.Error) ? ExitCodes.ProblemsFound : ExitCodes.Ok;
    }

    private static async Task<SingleActiveWorkload> FindAsync(PluginContext c, string reference, CancellationToken cancellationToken) =>
        await new WorkloadCatalog(c.Client).FindAsync(c.Namespace ?? throw new WorkloadNotFoundException("a WORKLOAD needs a namespace: drop -A"), reference, cancellationToken).ConfigureAwait(false);

    private int Print(ControlResult result)
    {
        if (result.Succeeded)
        {
            stdout.WriteLine(result.Message);
            return ExitCodes.Ok;
        }

        stderr.WriteLine("error: " + result.Message);
        return ExitCodes.Failed;
    }

    private static bool TryFormat(string? text, out OutputFormat format)
    {
        format = text?.ToLowerInvariant() switch
        {
            null or "" => OutputFormat.Table,
            "wide" => OutputFormat.Wide,
            "json" => OutputFormat.Json,
            "yaml" => OutputFormat.Yaml,
            _ => (OutputFormat)(-1),
        };
        return Enum.IsDefined(format);
    }
}
