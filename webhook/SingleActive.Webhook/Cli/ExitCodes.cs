namespace SingleActive.Webhook.Cli;

/// <summary>The subcommands' exit codes (as the kubectl plugin's): 2 tells a usage error apart from a failure.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command failed: a file could not be read or written, a document could not be injected.</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments (the message says which).</summary>
    public const int Usage = 2;
}
