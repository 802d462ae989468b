namespace SingleActive.Kubectl.CommandLine;

/// <summary>The plugin's exit codes (kubectl's own: 0 success, 1 error); 2 and 3 let scripts tell usage and findings apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command failed: API error, unknown workload, handover refused or failed, no answer in time.</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments (the message says which).</summary>
    public const int Usage = 2;

    /// <summary><c>doctor</c> found at least one error.</summary>
    public const int ProblemsFound = 3;
}
