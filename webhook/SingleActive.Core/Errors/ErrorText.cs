namespace SingleActive.Core.Errors;

/// <summary>
/// An exception as one log-friendly line, the same in every binary: the chain of messages, outermost first,
/// joined by ": " as Go's wrapped errors read ("cannot reach the API: The SSL connection could not be
/// established: certificate expired"). HttpClient's and Kestrel's outer messages hide the useful inner ones.
/// A message equal to the one before it is written once, and the chain is cut after <see cref="MaxMessages"/>.
/// </summary>
public static class ErrorText
{
    /// <summary>Enough for an HTTP → TLS → socket chain; a longer one is a loop of wrappers, not more information.</summary>
    public const int MaxMessages = 5;

    public static string Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var parts = new List<string>(2);
        for (var e = exception; e is not null && parts.Count < MaxMessages; e = e.InnerException)
        {
            if (parts.Count == 0 || parts[^1] != e.Message)
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(": ", parts);
    }

    /// <summary>The innermost exception of the chain (the parser's or the socket's own words).</summary>
    public static Exception Innermost(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var e = exception;
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }
}
