using SingleActive.Elector;

if (ElectorHost.AsksForHelp(args))
{
    await Console.Out.WriteAsync(ElectorHost.Usage).ConfigureAwait(false);
    return 0;
}

return await ElectorHost.RunAsync(Environment.GetEnvironmentVariable, Console.Error).ConfigureAwait(false);
