using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Hosting;

return args switch
{
    ["certs", .. var rest] => CertsCommand.Run(rest, Console.Out, Console.Error),
    ["inject", .. var rest] => InjectCommand.Run(rest, Console.In, Console.Out, Console.Error),
    ["-h" or "--help" or "help", ..] => Help(),
    _ => await WebhookApp.RunAsync(args),
};

static int Help()
{
    Console.Out.WriteLine(CommandLine.Usage);
    return 0;
}
