namespace SingleActive.Elector.Logging;

/// <summary>
/// An exception as one log-friendly line: the chain of messages, outermost first. HttpClient's
/// outer messages ("The SSL connection could not be established") hide the useful inner ones.
/// </summary>
public static class ErrorText
{
    public static string Of(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null && parts.Count < 5; e = e.InnerException)
        {
            if (parts.Count == 0 || parts[^1] != e.Message)
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(" <- ", parts);
    }
}
