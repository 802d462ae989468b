using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Admission;

namespace SingleActive.Webhook.Workloads;

public static class WorkloadsServiceCollectionExtensions
{
    /// <summary>
    /// The Deployment/StatefulSet handler, the Service/PodDisruptionBudget advice handler, and their lookups. Needs what
    /// <c>AddSingleActiveInjection</c> registers (PodInjector, JsonPatchBuilder), which also calls this; idempotent.
    /// </summary>
    public static IServiceCollection AddSingleActiveWorkloads(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WorkloadMutator>();
        // Hosts without a ClusterConnection (tests, offline tools) get none: the budget, Service and NetworkPolicy advice is then skipped.
        services.TryAddSingleton(sp => new KubernetesAdviceLookup(
            sp.GetService<ClusterConnection>() ?? ClusterConnection.None,
            sp.GetService<ILogger<KubernetesAdviceLookup>>() ?? NullLogger<KubernetesAdviceLookup>.Instance,
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IPodDisruptionBudgetLookup>(sp => sp.GetRequiredService<KubernetesAdviceLookup>());
        services.TryAddSingleton<IServiceLookup>(sp => sp.GetRequiredService<KubernetesAdviceLookup>());
        services.TryAddSingleton<INetworkPolicyLookup>(sp => sp.GetRequiredService<KubernetesAdviceLookup>());
        services.TryAddSingleton<IWorkloadLookup>(sp => new SharedWorkloadLookup(
            sp.GetRequiredService<KubernetesAdviceLookup>(),
            sp.GetService<ILogger<SharedWorkloadLookup>>() ?? NullLogger<SharedWorkloadLookup>.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IResourceHandler, WorkloadAdmissionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IResourceHandler, WorkloadAdviceHandler>());
        return services;
    }
}
