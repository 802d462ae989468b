using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Injection;
using SingleActive.Webhook.Tests.Serving;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The real server for golden tests, with the settings that make output reproducible pinned: the image
/// (the environment's SINGLE_ACTIVE_IMAGE would otherwise leak in), the API server version, and for dry
/// runs a namespace where the dedicated ServiceAccount does not exist yet (issue 4 scenario 8).
/// </summary>
public static class GoldenServers
{
    public const string Image = "single-active:dev";

    /// <summary>No API server version known (as against the e2e 1.20 control plane): the elector is a regular container.</summary>
    public sealed class Container() : WebhookServerFixture(["--Injector:Image=" + Image], NoDedicatedAccountYet);

    /// <summary>A 1.30 API server: the elector is a native sidecar.</summary>
    public sealed class Native() : WebhookServerFixture(
        ["--Injector:Image=" + Image],
        services =>
        {
            NoDedicatedAccountYet(services);
            services.Replace(ServiceDescriptor.Singleton<IClusterVersion>(new FixedClusterVersion(new Version(1, 30, 2))));
        });

    private static void NoDedicatedAccountYet(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IServiceAccountLookup>(new FakeServiceAccountLookup(false)));
}
