using SingleActive.Elector;

return await ElectorHost.RunAsync(Environment.GetEnvironmentVariable, Console.Error).ConfigureAwait(false);
