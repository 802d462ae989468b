using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Hosting;

return args switch
{
    ["certs", .. var rest] => CertsCommand.Run(rest, Console.Out, Console.Error),
    ["inject", ..] => NotAvailable("inject"),
    ["-h" or "--help" or "help", ..] => Help(),
    _ => await WebhookApp.RunAsync(args),
};

static int Help()
{
    Console.Out.WriteLine(CommandLine.Usage);
    return 0;
}

static int NotAvailable(string command)
{
    Console.Error.WriteLine($"single-active-webhook: the \"{command}\" subcommand is not available in this build");
    return 2;
}
