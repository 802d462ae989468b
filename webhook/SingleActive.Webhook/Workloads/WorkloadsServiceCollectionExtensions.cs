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
    /// The Deployment/StatefulSet handler and its PodDisruptionBudget lookup. Needs what
    /// <c>AddSingleActiveInjection</c> registers (PodInjector, JsonPatchBuilder), which also calls this; idempotent.
    /// </summary>
    public static IServiceCollection AddSingleActiveWorkloads(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WorkloadMutator>();
        // Hosts without a ClusterConnection (tests, offline tools) get none: the budget advice is then skipped.
        services.TryAddSingleton<IPodDisruptionBudgetLookup>(sp => new KubernetesPodDisruptionBudgetLookup(
            sp.GetService<ClusterConnection>() ?? ClusterConnection.None,
            sp.GetService<ILogger<KubernetesPodDisruptionBudgetLookup>>() ?? NullLogger<KubernetesPodDisruptionBudgetLookup>.Instance,
            sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IResourceHandler, WorkloadAdmissionHandler>());
        return services;
    }
}
