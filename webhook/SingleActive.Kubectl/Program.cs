using SingleActive.Kubectl.CommandLine;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

return await new PluginCommands(Console.Out, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System)
    .RunAsync(args, interrupted.Token).ConfigureAwait(false);
