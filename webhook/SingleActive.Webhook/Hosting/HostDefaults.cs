namespace SingleActive.Webhook.Hosting;

/// <summary>Lowest-precedence configuration: every other source (appsettings, environment, flags) overrides it.</summary>
public static class HostDefaults
{
    public static readonly IReadOnlyDictionary<string, string?> Configuration = new Dictionary<string, string?>
    {
        // ASP.NET Core logs every request at Information; at admission rates that is the whole log.
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };
}
