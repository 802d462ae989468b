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
}
