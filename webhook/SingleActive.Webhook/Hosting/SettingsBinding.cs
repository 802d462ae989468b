using Microsoft.Extensions.Configuration;

namespace SingleActive.Webhook.Hosting;

/// <summary>How the server binds each of its settings sections (Server, Tls, Cluster, Provisioning, Injector, SelfSigned).</summary>
public static class SettingsBinding
{
    /// <summary>
    /// A key its options type does not have fails start-up: a misspelt <c>--Injector:Sidecar=native</c> or
    /// <c>Provisioning__Timout</c> would otherwise be dropped without a word and the webhook would run on the default.
    /// The binder throws an <see cref="InvalidOperationException"/> that names every unknown key of the section when the
    /// options are first resolved, which <c>ValidateOnStart</c> does before the server listens
    /// (<see cref="StartupFailure"/> prints it).
    /// </summary>
    public static void UnknownKeysFail(BinderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ErrorOnUnknownConfiguration = true;
    }
}
