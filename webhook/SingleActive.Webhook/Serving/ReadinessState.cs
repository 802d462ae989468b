namespace SingleActive.Webhook.Serving;

/// <summary>Ready once the listener runs with a certificate loaded; not ready from the moment shutdown begins.</summary>
public sealed class ReadinessState
{
    private volatile bool _started;
    private volatile bool _stopping;

    public bool IsReady => _started && !_stopping;

    public string Reason => _stopping ? "shutting down" : _started ? "ready" : "starting";

    public void MarkStarted() => _started = true;

    public void MarkStopping() => _stopping = true;
}
