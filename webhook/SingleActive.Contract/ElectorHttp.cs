namespace SingleActive.Contract;

/// <summary>The elector's HTTP surface, shared by the renderer (probes) and the elector.</summary>
public static class ElectorHttp
{
    public const string ContainerName = "single-active-elector";

    /// <summary>Container port name (IANA_SVC_NAME: at most 15 characters).</summary>
    public const string PortName = "sa-elector";

    public const int DefaultPort = 8099;
    public const string ReadyPath = "/readyz";
    public const string HealthPath = "/healthz";
    public const string StatusPath = "/status";
    public const string MetricsPath = "/metrics";
}
