using System.Collections.Concurrent;
using System.Globalization;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>render, part 1: the <c>single-active-elector</c> container itself.</summary>
public static class ElectorContainer
{
    /// <summary>The numeric non-root user the elector image runs as (the Dockerfile's <c>USER</c>).</summary>
    public const long ImageUser = 65532;

    private static readonly ConcurrentDictionary<string, ResourceQuantity> ParsedQuantities = new(StringComparer.Ordinal);

    /// <param name="appProbe">The app's readinessProbe as JSON (<see cref="AppProbeSpec.ToJson"/>); null when leadership does not follow it.</param>
    public static V1Container Create(InjectionSettings settings, InjectorOptions options, string? appProbe)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var port = new V1ContainerPort { Name = ElectorHttp.PortName, ContainerPort = settings.Port, Protocol = "TCP" };
        if (settings.HostNetwork)
        {
            // The API server would default hostPort to containerPort for hostNetwork pods; saying it here keeps the result explicit.
            port.HostPort = settings.Port;
        }

        return new V1Container
        {
            Name = ElectorHttp.ContainerName,
            Image = options.Image,
            ImagePullPolicy = options.ImagePullPolicy,
            Command = [.. options.EffectiveCommand],
            Env = Env(settings, appProbe),
            Ports = [port],
            ReadinessProbe = ReadinessProbe(settings),
            LivenessProbe = new V1Probe
            {
                HttpGet = HttpGet(ElectorHttp.HealthPath),
                PeriodSeconds = 5,
                FailureThreshold = 3,
                TimeoutSeconds = 1,
                SuccessThreshold = 1,
            },
            Resources = settings.Resources.ToRequirements(Quantity),
            SecurityContext = new V1SecurityContext
            {
                // The image runs as a numeric non-root user (ImageUser), which the kubelet checks against runAsNonRoot;
                // no fixed uid by default, so platforms that assign one per namespace (OpenShift's restricted SCC) can.
                // A pod-level runAsUser applies to every container that sets none, and the kubelet refuses to start a
                // runAsNonRoot container whose uid is 0 (kuberuntime's verifyRunAsNonRoot): under a pod that runs as
                // root the elector names the image's user itself.
                RunAsNonRoot = true,
                RunAsUser = options.RunAsUser ?? (settings.PodRunsAsRoot ? ImageUser : null),
                RunAsGroup = options.RunAsGroup,
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            VolumeMounts = [ElectorTokenVolume.Mount()],
        };
    }

    /// <summary>
    /// Readiness mode: <c>/readyz</c>, 200 only while leading; the safety bound (see <see cref="ElectionTimings"/>)
    /// counts on exactly these timings. Label mode: readiness follows health only and the Service selects the leader label.
    /// </summary>
    private static V1Probe ReadinessProbe(InjectionSettings settings) => new()
    {
        HttpGet = HttpGet(settings.Mode == ElectorMode.Label ? ElectorHttp.HealthPath : ElectorHttp.ReadyPath),
        PeriodSeconds = settings.Probe.PeriodSeconds,
        FailureThreshold = settings.Probe.FailureThreshold,
        TimeoutSeconds = settings.Probe.TimeoutSeconds,
        SuccessThreshold = 1,
    };

    private static V1HTTPGetAction HttpGet(string path) => new() { Path = path, Port = ElectorHttp.PortName, Scheme = "HTTP" };

    private static List<V1EnvVar> Env(InjectionSettings settings, string? appProbe)
    {
        var env = new List<V1EnvVar>
        {
            FieldRef(ElectorEnv.PodName, "metadata.name"),
            FieldRef(ElectorEnv.PodNamespace, "metadata.namespace"),

            // The involvedObject of the elector's LeaderElected/LeadershipLost Events: without the uid
            // `kubectl describe pod` does not list them, and reading it from the API would need "get pods",
            // which the readiness-mode role deliberately lacks.
            FieldRef(ElectorEnv.PodUid, "metadata.uid"),

            // The node the elector watches for a cordon or a drain taint, to hand over before the drain evicts it.
            FieldRef(ElectorEnv.NodeName, "spec.nodeName"),
            Value(ElectorEnv.LeaseName, settings.LeaseName),
            Value(ElectorEnv.LeaseDuration, Duration.Format(settings.Timings.LeaseDuration)),
            Value(ElectorEnv.RenewDeadline, Duration.Format(settings.Timings.RenewDeadline)),
            Value(ElectorEnv.RetryPeriod, Duration.Format(settings.Timings.RetryPeriod)),
            Value(ElectorEnv.Port, settings.Port.ToString(CultureInfo.InvariantCulture)),
        };
        if (settings.Probe.PeriodSeconds != ReadinessProbeTimings.Default.PeriodSeconds)
        {
            // The elector waits for the kubelet's next probe before it releases (OwnPodReadiness): it must know the period.
            env.Add(Value(ElectorEnv.ProbePeriod, Duration.Format(TimeSpan.FromSeconds(settings.Probe.PeriodSeconds))));
        }

        if (settings.DrainTaints is { } drainTaints)
        {
            // Only when the pod sets its own: unset, the elector applies DrainTaints.Default of its own version.
            env.Add(Value(ElectorEnv.DrainTaints, drainTaints));
        }

        if (appProbe is not null)
        {
            // The kubelet probes the pod IP; so does the elector, or an app listening only there never counts as healthy.
            env.Add(Value(ElectorEnv.AppProbe, appProbe));
            env.Add(FieldRef(ElectorEnv.PodIp, "status.podIP"));
        }

        if (settings.Mode == ElectorMode.Label)
        {
            env.Add(Value(ElectorEnv.Mode, ElectorModes.Format(ElectorMode.Label)));
        }

        return env;
    }

    private static V1EnvVar Value(string name, string value) => new() { Name = name, Value = value };

    private static V1EnvVar FieldRef(string name, string fieldPath) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = fieldPath } } };

    /// <summary>
    /// Parsed once per text: parsing a quantity is exact-fraction arithmetic, and the texts are the few the
    /// options hold (validated at start-up). <see cref="ResourceQuantity"/> is immutable, so pods can share one.
    /// </summary>
    private static ResourceQuantity Quantity(string text) => ParsedQuantities.GetOrAdd(text, static t => new ResourceQuantity(t));
}
