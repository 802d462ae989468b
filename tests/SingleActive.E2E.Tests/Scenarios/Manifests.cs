using System.Text.Json;
using SingleActive.Contract;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>The YAML a user would write for the scenarios: a Deployment, StatefulSet or Job and its Service.</summary>
internal static class Manifests
{
    /// <summary>Template annotations that opt in (readiness mode).</summary>
    public static readonly IReadOnlyDictionary<string, string> OptIn = new Dictionary<string, string> { [Annotations.Enabled] = "true" };

    /// <summary>Template annotations that opt in in label mode (Services select the leader label).</summary>
    public static readonly IReadOnlyDictionary<string, string> LabelMode = new Dictionary<string, string>
    {
        [Annotations.Enabled] = "true",
        [Annotations.Mode] = "label",
    };

    public static string Service(string ns, string name, string? extraSelector = null) => $$$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          selector: {app: {{{name}}}{{{(extraSelector is null ? "" : ", " + extraSelector)}}}}
          ports: [{name: http, port: 80, targetPort: 8080}]

        """;

    /// <param name="templateAnnotations">On the pod template (e.g. <see cref="OptIn"/>); null for none.</param>
    /// <param name="withAppProbe">Give the app container an httpGet readinessProbe (the webhook derives app-health gating from it).</param>
    public static string Deployment(
        string ns,
        string name,
        int replicas,
        IReadOnlyDictionary<string, string>? templateAnnotations,
        bool withAppProbe = false,
        string? serviceAccount = null,
        bool? automountToken = null,
        IReadOnlyList<string>? finalizers = null,
        AppShape? app = null) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}, namespace: {{{ns}}}{{{(finalizers is null ? "" : ", finalizers: " + JsonSerializer.Serialize(finalizers))}}}}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
        {{{PodTemplate(name, templateAnnotations, withAppProbe, serviceAccount, automountToken, app)}}}

        """;

    public static string StatefulSet(string ns, string name, int replicas, IReadOnlyDictionary<string, string>? templateAnnotations, string? serviceAccount = null, bool? automountToken = null) => $$$"""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          replicas: {{{replicas}}}
          serviceName: {{{name}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
        {{{PodTemplate(name, templateAnnotations, withAppProbe: false, serviceAccount, automountToken)}}}

        """;

    /// <summary>
    /// A Job whose one pod runs to completion (<c>restartPolicy: Never</c>, no retries); its app container runs
    /// <paramref name="command"/> (on the process kubelet an absolute path to a host binary runs as a real process).
    /// </summary>
    public static string Job(string ns, string name, IReadOnlyDictionary<string, string>? templateAnnotations, IReadOnlyList<string> command) => $$$"""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          backoffLimit: 0
          template:
            metadata:
              labels: {app: {{{name}}}}
              annotations: {{{Map(templateAnnotations)}}}
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 10
              containers:
                - name: app
                  image: registry.example/app:1
                  command: {{{JsonSerializer.Serialize(command)}}}

        """;

    public static string ServiceAccount(string ns, string name) => $"""
        apiVersion: v1
        kind: ServiceAccount
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}

        """;

    /// <summary>A PodDisruptionBudget over the pods labelled <c>app: name</c> (policy/v1beta1: the control plane is 1.20).</summary>
    public static string PodDisruptionBudget(string ns, string name, int minAvailable) => $$$"""
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          minAvailable: {{{minAvailable}}}
          selector: {matchLabels: {app: {{{name}}}}}

        """;

    /// <summary>A bare pod; <paramref name="annotations"/> null for none.</summary>
    public static string Pod(string ns, string name, IReadOnlyDictionary<string, string>? annotations) => $$$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{{name}}}
          namespace: {{{ns}}}
          labels: {app: {{{name}}}}
          annotations: {{{Map(annotations)}}}
        spec:
          terminationGracePeriodSeconds: 10
          containers:
            - name: app
              image: registry.example/app:1
              ports: [{containerPort: 8080}]

        """;

    private static string PodTemplate(string name, IReadOnlyDictionary<string, string>? annotations, bool withAppProbe, string? serviceAccount, bool? automountToken, AppShape? app = null)
    {
        app ??= new AppShape();
        var probe = app.ReadinessProbe is { } custom ? "\n          readinessProbe: " + custom
            : withAppProbe ? "\n          readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1, failureThreshold: 1}" : "";
        var args = app.Args is { Count: > 0 } list ? "\n          args: " + JsonSerializer.Serialize(list) : "";
        args += app.Command is { Count: > 0 } command ? "\n          command: " + JsonSerializer.Serialize(command) : "";
        args += app.Env is { } env ? "\n          env: " + env : "";
        var spread = app.OnePerNode
            ? $"\n      affinity: {{podAntiAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: [{{topologyKey: kubernetes.io/hostname, labelSelector: {{matchLabels: {{app: {name}}}}}}}]}}}}"
            : "";
        var account = serviceAccount is null ? "" : $"\n      serviceAccountName: {serviceAccount}";
        var automount = automountToken is null ? "" : $"\n      automountServiceAccountToken: {(automountToken.Value ? "true" : "false")}";
        return $$$"""
                metadata:
                  labels: {app: {{{name}}}}
                  annotations: {{{Map(annotations)}}}
                spec:{{{account}}}{{{automount}}}{{{spread}}}
                  terminationGracePeriodSeconds: {{{app.TerminationGracePeriodSeconds}}}
                  containers:
                    - name: app
                      image: registry.example/app:1
                      ports: [{name: http, containerPort: 8080}]{{{args}}}{{{probe}}}
            """;
    }

    private static string Map(IReadOnlyDictionary<string, string>? values) =>
        values is null || values.Count == 0 ? "{}" : "{" + string.Join(", ", values.Select(p => $"\"{p.Key}\": \"{p.Value}\"")) + "}";
}
