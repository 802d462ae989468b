using System.CommandLine;
using System.CommandLine.Help;

namespace SingleActive.Webhook.Cli;

/// <summary>
/// The webhook binary's subcommands, <c>inject</c> and <c>certs</c>, parsed by System.CommandLine as the kubectl
/// plugin's are: <c>--help</c> (<c>-h</c>) prints the usage to stdout and exits 0; an unknown option, a missing or
/// refused value prints each problem and the usage to stderr and exits 2 (<see cref="ExitCodes"/>). The server's
/// own flags (no subcommand) are configuration keys and are read by <c>Hosting/WebhookApp</c>, not here.
/// </summary>
public sealed class WebhookCommands(TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    public const string Name = "single-active-webhook";

    // "@file" stays a file name (-f @x.yaml): System.CommandLine would read it as a response file.
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses <paramref name="args"/> (the subcommand first) and runs the subcommand; returns the exit code.</summary>
    public int Run(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = Build();
        var parsed = root.Parse(args, Parsing);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var prefix = command == root ? Name : $"{Name} {command.Name}";
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"{prefix}: {error.Message}");
            }

            stderr.WriteLine();
            root.Parse(command == root ? ["--help"] : [command.Name, "--help"], Parsing).Invoke(new InvocationConfiguration { Output = stderr });
            return ExitCodes.Usage;
        }

        // No exception handler and no signal handling of System.CommandLine's own: the commands behave as
        // before, an unexpected exception ends the process with its stack trace.
        return parsed.Invoke(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        });
    }

    private Command Build()
    {
        var root = new Command(Name, "A Kubernetes mutating admission webhook that makes a workload active/passive; see --help without a subcommand for the server")
        {
            new HelpOption(),
        };
        root.Subcommands.Add(InjectCommand.Create(stdin, stdout, stderr));
        root.Subcommands.Add(CertsCommand.Create(stdout, stderr));
        return root;
    }
}
