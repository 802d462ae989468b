namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Why the node binding's subjects of deleted namespaces were not (all) removed, or one removed too early was not put
/// back. Never a denial: the account being admitted was added. A warning (event 3006), at most once per cache period
/// for each <see cref="Cause"/>.
/// </summary>
/// <param name="Cause">One of <see cref="Forbidden"/>, <see cref="Unavailable"/>, <see cref="NotPutBack"/>.</param>
/// <param name="Message">What happened, what it costs and, where there is one, the fix.</param>
public sealed record PruneProblem(string Cause, string Message)
{
    /// <summary>The webhook may not list namespaces: its ClusterRole was not upgraded.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The namespaces could not be listed this time (an error, or no answer in time).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>A subject removed while its namespace was being created again could not be put back.</summary>
    public const string NotPutBack = "not-put-back";
}
