namespace SingleActive.Webhook.Injection;

public static class SidecarModes
{
    /// <summary>Native sidecars are beta and on by default from 1.29 (SidecarContainers feature gate).</summary>
    public static readonly Version NativeSidecarMinimum = new(1, 29);

    /// <summary>Auto picks native only on a known server version of at least 1.29; unknown means a regular container, which works everywhere.</summary>
    public static bool UseNative(SidecarMode mode, Version? serverVersion) => mode switch
    {
        SidecarMode.Native => true,
        SidecarMode.Container => false,
        _ => serverVersion is not null && serverVersion >= NativeSidecarMinimum,
    };

    /// <summary>Why <see cref="UseNative"/> chose a regular container, for messages (e.g. "the API server is 1.20, older than 1.29").</summary>
    public static string WhyContainer(SidecarMode mode, Version? serverVersion) => mode switch
    {
        SidecarMode.Container => "the webhook's setting Injector:SidecarMode is \"container\"",
        _ when serverVersion is null => "the API server's version is not known (native sidecars need 1.29 or newer)",
        _ => $"the API server is {serverVersion.Major}.{serverVersion.Minor}, older than {NativeSidecarMinimum.Major}.{NativeSidecarMinimum.Minor}, the first version that runs native sidecars by default",
    };
}
