namespace SingleActive.Webhook.Serving;

/// <summary>HTTP listener settings, section <c>Server</c> (flags <c>--port</c>, <c>--bind</c>, ...; see docs/server.md).</summary>
public sealed class ServerOptions
{
    public const string SectionName = "Server";
    public const int DefaultPort = 8443;

    /// <summary>HTTPS port; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// Address to listen on: an IP address, or <c>*</c> for every interface (IPv4 and IPv6).
    /// Unset: every interface when certificate files are given, 127.0.0.1 for the local self-signed default.
    /// </summary>
    public string? Bind { get; set; }

    /// <summary>Largest accepted request body. The API server caps objects at about 1.5 MiB, and a review carries at most two of them.</summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>How long in-flight requests may take to finish after SIGTERM before connections are cut.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Time between failing /readyz and closing the listener on SIGTERM, so endpoints controllers and
    /// load balancers stop sending new connections first. 0 stops accepting at once.
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;
}
