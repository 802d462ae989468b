using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.Hosting;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Injection;

public static class InjectionServiceCollectionExtensions
{
    /// <summary>
    /// Injector options (section <c>Injector</c>, validated at start-up), the pod handler, the JSON patch
    /// builder, the Deployment/StatefulSet handlers (<c>AddSingleActiveWorkloads</c>, idempotent) and
    /// <see cref="IAdmissionHandler"/> = <see cref="AdmissionDispatcher"/> over every registered <see cref="IResourceHandler"/>. The host supplies <c>IServiceAccountProvisioner</c> and, optionally, <c>IClusterVersion</c>.
    /// </summary>
    public static IServiceCollection AddSingleActiveInjection(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<InjectorOptions>()
            .Configure(o =>
            {
                // Before Bind, so Injector:Image still overrides the image the deployment passes in.
                if (Environment.GetEnvironmentVariable(InjectorOptions.ImageEnvironmentVariable) is { Length: > 0 } image)
                {
                    o.Image = image;
                }
            })
            .Bind(configuration.GetSection(InjectorOptions.SectionName), SettingsBinding.UnknownKeysFail)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InjectorOptions>, InjectorOptionsValidator>());

        services.TryAddSingleton(sp => new PodInjector(sp.GetRequiredService<IOptions<InjectorOptions>>().Value));
        services.TryAddSingleton<JsonPatchBuilder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IResourceHandler, PodAdmissionHandler>());
        services.AddSingleActiveWorkloads();
        services.TryAddSingleton<IAdmissionHandler, AdmissionDispatcher>();
        return services;
    }
}
