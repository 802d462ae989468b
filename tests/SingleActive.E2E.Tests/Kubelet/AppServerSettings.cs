using System.Globalization;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>A simulated app's behaviour, from its container's <c>args</c> (see <see cref="AppServer"/>); other args are ignored.</summary>
internal sealed record AppServerSettings(bool Tls, bool PodIpOnly, string? RequiredHost, TimeSpan ShutdownDelay)
{
    public static AppServerSettings FromArgs(IEnumerable<string>? args)
    {
        var settings = new AppServerSettings(false, false, null, TimeSpan.Zero);
        foreach (var arg in args ?? [])
        {
            settings = arg switch
            {
                "--tls" => settings with { Tls = true },
                "--listen=pod-ip" => settings with { PodIpOnly = true },
                _ when arg.StartsWith("--require-host=", StringComparison.Ordinal) => settings with { RequiredHost = arg["--require-host=".Length..] },
                _ when arg.StartsWith("--shutdown-seconds=", StringComparison.Ordinal) =>
                    settings with { ShutdownDelay = TimeSpan.FromSeconds(int.Parse(arg["--shutdown-seconds=".Length..], CultureInfo.InvariantCulture)) },
                _ => settings,
            };
        }

        return settings;
    }
}
