using System.Globalization;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// render, part 2: the elector, its token volume, the app containers' status URL, the image pull secrets, the
/// ServiceAccount and the status annotation for a pod. <see cref="Plan"/> only reads the pod and returns them as <see cref="PodEdits"/>;
/// <see cref="Apply"/> puts them into a pod (a copy or the request's own: see <see cref="PodInjector"/>).
/// App containers keep everything they had; they only gain one env var.
/// </summary>
public static class PodRenderer
{
    public const string DefaultServiceAccount = "default";

    public static RenderedPod Plan(V1Pod pod, InjectionSettings settings, InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var warnings = new List<string>();
        var apps = pod.Spec?.Containers ?? [];
        var appIndex = AppContainers.Choose(apps, pod.Metadata?.Annotations, out var appWarning);
        var app = appIndex >= 0 ? apps[appIndex] : null;
        if (appWarning is not null)
        {
            warnings.Add(appWarning);
        }

        string? appProbe = null;
        if (options.AppHealthFromReadinessProbe)
        {
            appProbe = AppProbes.From(app, out var warning)?.ToJson();
            if (warning is not null)
            {
                warnings.Add(warning);
            }
        }

        var statusUrl = new V1EnvVar
        {
            Name = ElectorEnv.StatusUrl,
            Value = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{settings.Port}{ElectorHttp.StatusPath}"),
        };

        // A user's own value wins; it is theirs to point elsewhere.
        var gainStatusUrl = new List<int>(apps.Count);
        for (var i = 0; i < apps.Count; i++)
        {
            if (apps[i].Env?.Any(e => e.Name == ElectorEnv.StatusUrl) != true)
            {
                gainStatusUrl.Add(i);
            }
        }

        warnings.AddRange(SettingAnnotations.Unknown(pod.Metadata?.Annotations, PodDescriptions.Describe(pod, null)));
        if (settings.Resources.MemoryLimitWarning(pod.Metadata?.Annotations, PodDescriptions.Describe(pod, null)) is { } memory)
        {
            warnings.Add(memory);
        }

        if (settings.Mode == ElectorMode.Readiness && settings.Timings.SlowReleaseProblem(settings.Probe) is { } slow)
        {
            warnings.Add($"single-active: the timings of {PodDescriptions.Describe(pod, null)} make handovers slow: {slow}. " +
                $"Raise annotation \"{Annotations.RenewDeadline}\" (and \"{Annotations.LeaseDuration}\" with it, for the safety bound) or lower \"{Annotations.ProbePeriod}\"");
        }

        var elector = ElectorContainer.Create(settings, options, appProbe);
        if (settings.NativeSidecar)
        {
            // A native sidecar; placed first in initContainers (PodEdits.ElectorFirst), so it is running before other
            // init containers and stops only after the app containers.
            elector.RestartPolicy = "Always";
        }

        var (account, create) = ServiceAccount(pod.Spec, settings.DedicatedAccount, options, warnings);
        var previous = create ? CurrentAccountOrDefault(pod.Spec) : null;
        if (previous is not null)
        {
            warnings.Add(SwitchWarning(PodDescriptions.Describe(pod, null), previous, account));
        }

        var status = new InjectionStatus(
            InjectionStatus.InjectorVersion, settings.LeaseName, settings.NativeSidecar, settings.Mode, account, settings.Port, app?.Name, previous, settings.Sidecar.Reason);
        var edits = new PodEdits(
            gainStatusUrl,
            statusUrl,
            elector,
            settings.NativeSidecar,
            ElectorTokenVolume.Create(options.TokenExpirationSeconds),
            MissingPullSecrets(pod.Spec, options.ImagePullSecrets),
            create ? account : null,
            status.ToJson());
        return new RenderedPod(edits, status, account, create, warnings, appProbe);
    }

    /// <summary>Puts <paramref name="edits"/> (from <see cref="Plan"/> on this pod) into <paramref name="pod"/>.</summary>
    public static void Apply(V1Pod pod, PodEdits edits)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(edits);
        var spec = pod.Spec ??= new V1PodSpec();
        var apps = spec.Containers ?? [];
        foreach (var i in edits.StatusUrlContainers)
        {
            apps[i].Env = [.. apps[i].Env ?? [], new V1EnvVar { Name = edits.StatusUrl.Name, Value = edits.StatusUrl.Value }];
        }

        if (edits.ElectorFirst)
        {
            spec.InitContainers = [edits.Elector, .. spec.InitContainers ?? []];
        }
        else
        {
            spec.Containers = [.. apps, edits.Elector];
        }

        spec.Volumes = [.. spec.Volumes ?? [], edits.TokenVolume];
        if (edits.ImagePullSecrets.Count > 0)
        {
            spec.ImagePullSecrets = [.. spec.ImagePullSecrets ?? [], .. edits.ImagePullSecrets.Select(name => new V1LocalObjectReference { Name = name })];
        }

        if (edits.ServiceAccountName is { } account)
        {
            spec.ServiceAccountName = account;
            if (spec.ServiceAccount is not null)
            {
                // The deprecated alias must agree, or readers of the old field see the old account.
                spec.ServiceAccount = account;
            }
        }

        var meta = pod.Metadata ??= new V1ObjectMeta();
        meta.Annotations ??= new Dictionary<string, string>();
        meta.Annotations[Annotations.Status] = edits.StatusAnnotation;
    }

    /// <summary>The configured pull secrets the pod does not list yet, each once, in the configured order.</summary>
    private static IReadOnlyList<string> MissingPullSecrets(V1PodSpec? spec, IReadOnlyList<string> configured) =>
        configured.Count == 0 ? [] : [.. configured.Distinct(StringComparer.Ordinal).Where(name => spec?.ImagePullSecrets?.Any(s => s.Name == name) != true)];

    /// <summary>
    /// Whether rendering would switch the pod to the dedicated account (when it may): a dry run asks before
    /// rendering, so it renders once with the answer instead of twice.
    /// </summary>
    public static bool SwitchesToDedicatedAccount(V1PodSpec? spec) => IsDefaultAccount(CurrentAccount(spec));

    /// <summary>The pod's account as the API server reads it: the field, else its deprecated alias, else <c>default</c>.</summary>
    public static string CurrentAccountOrDefault(V1PodSpec? spec) => CurrentAccount(spec) is { Length: > 0 } account ? account : DefaultServiceAccount;

    private static string? CurrentAccount(V1PodSpec? spec) =>
        string.IsNullOrEmpty(spec?.ServiceAccountName) ? spec?.ServiceAccount : spec.ServiceAccountName;

    /// <summary>Every switch is said, not only on dry runs: the app's containers run as the new account from now on.</summary>
    private static string SwitchWarning(string description, string previous, string account) =>
        $"single-active: {description} was switched from ServiceAccount \"{previous}\" to \"{account}\" " +
        $"(created if missing, with a RoleBinding to the elector's ClusterRole), so that the elector's rights (Leases, reading the namespace's pods) are not given to every pod that uses \"{previous}\"; " +
        $"all of its containers now run as \"{account}\", and a service mesh (Istio, Linkerd) or Vault identifies the pod as \"{account}\": policies and roles that name \"{previous}\" no longer match it. " +
        "To keep an account of your own, set spec.serviceAccountName to it: the webhook keeps it and binds it";

    private static bool IsDefaultAccount(string? account) => string.IsNullOrEmpty(account) || account == DefaultServiceAccount;

    private static (string Account, bool Create) ServiceAccount(V1PodSpec? spec, ServiceAccountAvailability dedicated, InjectorOptions options, List<string> warnings)
    {
        var current = CurrentAccount(spec);
        if (!IsDefaultAccount(current))
        {
            return (current!, false);
        }

        if (dedicated != ServiceAccountAvailability.Assumed)
        {
            // A dry run creates nothing, and the API server's ServiceAccount admission rejects a pod naming a
            // missing account: the dry run keeps the pod's account and says what a real create would do.
            var kept = string.IsNullOrEmpty(current) ? DefaultServiceAccount : current;
            warnings.Add(DryRunAccountWarning(dedicated, options.ServiceAccountName, kept));
            return (kept, false);
        }

        // Binding the elector's rights (Leases, reading pods) to "default" would hand them to every pod of the namespace.
        return (options.ServiceAccountName, true);
    }

    private static string DryRunAccountWarning(ServiceAccountAvailability dedicated, string account, string kept)
    {
        var (why, created) = dedicated == ServiceAccountAvailability.Missing
            ? ($"ServiceAccount \"{account}\" does not exist yet in this namespace", "created then")
            : ($"whether ServiceAccount \"{account}\" exists in this namespace could not be checked", "created then if missing");
        return $"single-active: dry run: {why}, so the returned pod keeps ServiceAccount \"{kept}\"; " +
            $"a real create would switch the pod to ServiceAccount \"{account}\" ({created}, with its RoleBinding to the elector's ClusterRole)";
    }
}
