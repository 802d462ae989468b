using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Hosting;

return args switch
{
    ["certs" or "inject", ..] => new WebhookCommands(Console.In, Console.Out, Console.Error).Run(args),
    ["-h" or "--help" or "help", ..] => Help(),
    _ => await WebhookApp.RunAsync(args).ConfigureAwait(false),
};

static int Help()
{
    Console.Out.WriteLine(ServerCommandLine.Usage);
    return 0;
}
