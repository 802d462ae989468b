using SingleActive.Webhook.Admission;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>decide (and the annotation checks that can deny), one row per rule.</summary>
public class PodInjectorDecisionTests
{
    private const string On = "\"single-active\":\"true\"";
    private const string Status = "\"single-active.io/status\":\"{}\"";
    private const string Elector = """{"name":"single-active-elector","image":"x","ports":[{"name":"sa-elector","containerPort":8099}],"readinessProbe":{"httpGet":{"path":"/readyz","port":"sa-elector"},"periodSeconds":1,"failureThreshold":1,"timeoutSeconds":1}}""";

    /// <summary>An injected elector whose readinessProbe something changed afterwards (<c>probe</c>: the probe's JSON, or none).</summary>
    private static string ElectorProbing(string? probe, string env = "") =>
        $$"""{"name":"single-active-elector","image":"x","ports":[{"name":"sa-elector","containerPort":8099}]{{(env.Length == 0 ? "" : $",\"env\":[{env}]")}}{{(probe is null ? "" : $",\"readinessProbe\":{probe}")}}}""";

    public static TheoryData<string, string, string, string, string?> Rows => new()
    {
        // name, annotations, extra spec, expected result, message fragment
        { "not annotated", "", "", "Skipped", null },
        { "false", "\"single-active\":\"false\"", "", "Skipped", null },
        { "FALSE, any case", "\"single-active\":\"FALSE\"", "", "Skipped", null },
        { "false with a foreign elector container", "\"single-active\":\"false\"", $"\"containers\":[{Elector}]", "Skipped", null },
        { "true", On, "", "Injected", null },
        { "True, any case", "\"single-active\":\"True\"", "", "Injected", null },
        { "yes is ambiguous", "\"single-active\":\"yes\"", "", "Denied", "\"single-active\" on pod \"web\" in namespace \"shop\" has the value \"yes\"; accepted values are \"true\" or \"false\"" },
        { "empty value", "\"single-active\":\"\"", "", "Denied", "has the value \"\"" },
        { "status annotation without elector (copied)", $"{On},{Status}", "", "Denied", "has the \"single-active.io/status\" annotation but no \"single-active-elector\" container" },
        { "status and elector container", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{Elector}]", "AlreadyInjected", null },
        { "status and native elector", $"{On},{Status}", $"\"initContainers\":[{Elector}]", "AlreadyInjected", null },
        { "injected, elector probe removed", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing(null)}]", "Denied", "pod \"web\" in namespace \"shop\" is injected, but its \"single-active-elector\" container has no readinessProbe (the webhook renders httpGet /readyz on port sa-elector): its container is Ready whether or not it leads, so every replica whose app is ready serves. Something changed the probe after injection" },
        { "injected, elector probe on /healthz", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing("""{"httpGet":{"path":"/healthz","port":"sa-elector"},"periodSeconds":1,"failureThreshold":1,"timeoutSeconds":1}""")}]", "Denied", "has a readinessProbe that asks /healthz instead of /readyz" },
        { "injected, elector probe on /healthz by port number", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing("""{"httpGet":{"path":"/healthz","port":8099},"periodSeconds":1,"failureThreshold":1,"timeoutSeconds":1}""")}]", "Denied", "asks /healthz instead of /readyz" },
        { "injected, elector probe made a TCP check", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing("""{"tcpSocket":{"port":"sa-elector"},"periodSeconds":1}""")}]", "Denied", "has a readinessProbe that is no HTTP GET" },
        { "injected, elector probe on its port number", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing("""{"httpGet":{"path":"/readyz","port":8099},"periodSeconds":1,"failureThreshold":1,"timeoutSeconds":1}""")}]", "AlreadyInjected", null },
        { "injected, elector probe forwarded by Istio", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing("""{"httpGet":{"path":"/app-health/single-active-elector/readyz","port":15020},"periodSeconds":1,"failureThreshold":1,"timeoutSeconds":1}""")}]", "AlreadyInjected", null },
        { "injected, elector probe forwarded by Consul", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing("""{"httpGet":{"path":"/readyz","port":20400},"periodSeconds":1,"failureThreshold":1,"timeoutSeconds":1}""")}]", "AlreadyInjected", null },
        { "injected, elector probe slower (doctor's to report)", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing("""{"httpGet":{"path":"/readyz","port":"sa-elector"}}""")}]", "AlreadyInjected", null },
        { "injected, label-mode elector without a readinessProbe", $"{On},{Status}", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing(null, """{"name":"SINGLE_ACTIVE_MODE","value":"label"}""")}]", "AlreadyInjected", null },
        { "injected, label mode in the status, no readinessProbe", $"{On},\"single-active.io/status\":\"{{\\\"mode\\\":\\\"label\\\"}}\"", $"\"containers\":[{TestPods.AppContainer},{ElectorProbing(null)}]", "AlreadyInjected", null },
        { "elector container without status", On, $"\"containers\":[{TestPods.AppContainer},{Elector}]", "Denied", "already has a container named \"single-active-elector\" but no \"single-active.io/status\" annotation" },
        { "elector init container without status", On, $"\"initContainers\":[{Elector}]", "Denied", "already has a container named \"single-active-elector\"" },
        { "token volume name taken", On, "\"volumes\":[{\"name\":\"single-active-token\",\"emptyDir\":{}}]", "Denied", "volume named \"single-active-token\"" },
        { "hostNetwork without port", On, "\"hostNetwork\":true", "Denied", "uses hostNetwork" },
        { "hostNetwork names the annotation", On, "\"hostNetwork\":true", "Denied", "set the annotation \"single-active.io/port\"" },
        { "hostNetwork with port", $"{On},\"single-active.io/port\":\"9500\"", "\"hostNetwork\":true", "Injected", null },
        { "hostNetwork with a used port", $"{On},\"single-active.io/port\":\"8080\"", "\"hostNetwork\":true", "Denied", "\"single-active.io/port\" on pod \"web\" in namespace \"shop\" is \"8080\"; that port is already used" },
        { "port not a number", $"{On},\"single-active.io/port\":\"http\"", "", "Denied", "expected a port number between 1 and 65535" },
        { "port zero", $"{On},\"single-active.io/port\":\"0\"", "", "Denied", "expected a port number between 1 and 65535" },
        { "port too large", $"{On},\"single-active.io/port\":\"65536\"", "", "Denied", "expected a port number between 1 and 65535" },
        { "port free", $"{On},\"single-active.io/port\":\"9000\"", "", "Injected", null },
        { "lease name invalid", $"{On},\"single-active.io/lease-name\":\"Bad_Name\"", "", "Denied", "\"single-active.io/lease-name\" on pod \"web\" in namespace \"shop\" is \"Bad_Name\", which is not a valid Lease name" },
        { "lease name valid", $"{On},\"single-active.io/lease-name\":\"orders.primary\"", "", "Injected", null },
        { "mode label", $"{On},\"single-active.io/mode\":\"label\"", "", "Injected", null },
        { "mode Readiness, any case", $"{On},\"single-active.io/mode\":\"Readiness\"", "", "Injected", null },
        { "mode invalid", $"{On},\"single-active.io/mode\":\"leader\"", "", "Denied", "\"single-active.io/mode\" on pod \"web\" in namespace \"shop\" is \"leader\"; accepted values are \"readiness\" or \"label\"" },
        { "lease duration unparsable", $"{On},\"single-active.io/lease-duration\":\"soon\"", "", "Denied", "\"single-active.io/lease-duration\" on pod \"web\" in namespace \"shop\" is \"soon\"; expected a duration" },
        { "renew deadline unparsable", $"{On},\"single-active.io/renew-deadline\":\"-1s\"", "", "Denied", "\"single-active.io/renew-deadline\"" },
        { "retry period unparsable", $"{On},\"single-active.io/retry-period\":\"2 days\"", "", "Denied", "\"single-active.io/retry-period\"" },
        { "probe period fractional", $"{On},\"single-active.io/probe-period\":\"1.5s\"", "", "Denied", "\"single-active.io/probe-period\" on pod \"web\" in namespace \"shop\" is \"1.5s\"; expected a whole number of seconds" },
        { "lease too short for the bound", $"{On},\"single-active.io/lease-duration\":\"12s\"", "", "Denied", "renew deadline + probe period × failure threshold + probe timeout must be less than lease duration, but 10s + 1s × 1 + 1s = 12s is not less than 12s" },
        { "probe period too long for the bound", $"{On},\"single-active.io/probe-period\":\"4\"", "", "Denied", "10s + 4s × 1 + 1s = 15s is not less than 15s" },
        { "probe period within the bound", $"{On},\"single-active.io/probe-period\":\"3s\"", "", "Injected", null },
        { "lease not above renew deadline", $"{On},\"single-active.io/lease-duration\":\"10s\"", "", "Denied", "lease duration (10s) must be greater than the renew deadline (10s)" },
        { "retry period too long", $"{On},\"single-active.io/retry-period\":\"9s\"", "", "Denied", "renew deadline (10s) must be greater than 1.2 × retry period (9s)" },
        { "retry period too short", $"{On},\"single-active.io/retry-period\":\"1ms\"", "", "Denied", "retry period (1ms) must be at least 500ms: every replica calls the API server once per retry period" },
        { "retry period at the floor", $"{On},\"single-active.io/lease-duration\":\"3s\",\"single-active.io/renew-deadline\":\"900ms\",\"single-active.io/retry-period\":\"500ms\"", "", "Injected", null },
        { "all timings overridden", $"{On},\"single-active.io/lease-duration\":\"30s\",\"single-active.io/renew-deadline\":\"20s\",\"single-active.io/retry-period\":\"4s\",\"single-active.io/probe-period\":\"2\"", "", "Injected", null },
        { "restartPolicy Never, regular container", On, "\"restartPolicy\":\"Never\"", "Denied", "pod \"web\" in namespace \"shop\" has restartPolicy \"Never\" (a Job's or CronJob's pod runs to completion), and an elector in a regular container never exits" },
        { "restartPolicy OnFailure, regular container", On, "\"restartPolicy\":\"OnFailure\"", "Denied", "only with the elector as a native sidecar" },
        { "restartPolicy Always", On, "\"restartPolicy\":\"Always\"", "Injected", null },
        { "no containers", On, "\"containers\":[]", "Denied", "pod \"web\" in namespace \"shop\" has no containers (spec.containers is empty), so there is no app for the elector to make active or standby; add the app's container" },
        { "Windows pod", On, "\"os\":{\"name\":\"windows\"}", "Denied", "pod \"web\" in namespace \"shop\" can run only on Windows nodes (spec.os.name is \"windows\"), and the elector is a Linux container" },
        { "Windows node selector", On, "\"nodeSelector\":{\"kubernetes.io/os\":\"windows\"}", "Denied", "Remove the \"single-active\" annotation, or run the workload on Linux nodes" },
        { "mirror pod", $"{On},\"kubernetes.io/config.mirror\":\"abc\"", "", "Skipped", null },
        { "mirror pod with an invalid opt-in", "\"single-active\":\"yes\",\"kubernetes.io/config.mirror\":\"abc\"", "", "Skipped", null },
        { "cloud identity on default", On, "\"volumes\":[{\"name\":\"aws-iam-token\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"audience\":\"sts.amazonaws.com\",\"path\":\"token\"}}]}}]", "Denied", "runs as ServiceAccount \"default\", which carries an identity outside the cluster" },
        { "cloud identity on an own account", On, "\"serviceAccountName\":\"uploader\",\"volumes\":[{\"name\":\"aws-iam-token\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"audience\":\"sts.amazonaws.com\",\"path\":\"token\"}}]}}]", "Injected", null },
        { "resource annotation invalid", $"{On},\"single-active.io/memory-limit\":\"big\"", "", "Denied", "annotation \"single-active.io/memory-limit\" on pod \"web\" in namespace \"shop\" is \"big\"" },
        { "drain taints valid", $"{On},\"single-active.io/drain-taints\":\"node.kubernetes.io/unschedulable, example.com/retiring=soon\"", "", "Injected", null },
        { "drain taints with an empty entry", $"{On},\"single-active.io/drain-taints\":\"node.kubernetes.io/unschedulable,,x\"", "", "Denied", "annotation \"single-active.io/drain-taints\" on pod \"web\" in namespace \"shop\" is \"node.kubernetes.io/unschedulable,,x\"; entry 2 is empty; expected comma-separated taint keys, each optionally =value" },
        { "drain taints empty", $"{On},\"single-active.io/drain-taints\":\"\"", "", "Denied", "is \"\"; the list is empty; expected comma-separated taint keys" },
        { "drain taint key invalid", $"{On},\"single-active.io/drain-taints\":\"Example.com/retiring\"", "", "Denied", "\"Example.com/retiring\": \"Example.com/retiring\" is not a valid taint key" },
        { "drain taint value invalid", $"{On},\"single-active.io/drain-taints\":\"retiring=in 5 min\"", "", "Denied", "\"retiring=in 5 min\": \"in 5 min\" is not a valid taint value" },
        { "drain taint value empty", $"{On},\"single-active.io/drain-taints\":\"retiring=\"", "", "Denied", "\"retiring=\": the value after '=' is empty" },
        { "several errors reported at once", $"{On},\"single-active.io/mode\":\"x\",\"single-active.io/port\":\"y\"", "", "Denied", "\"single-active.io/mode\" on pod \"web\" in namespace \"shop\" is \"x\"; accepted values are \"readiness\" or \"label\"; annotation \"single-active.io/port\"" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Inject_Row_GivesExpectedResult(string name, string annotations, string spec, string expected, string? fragment)
    {
        var injector = new PodInjector(new InjectorOptions());

        var result = injector.Inject(TestPods.Pod(annotations, spec), new InjectionContext("shop"));

        Assert.True(expected == Kind(result), $"{name}: expected {expected}, got {result}");
        if (fragment is not null)
        {
            var message = result.Decision == Decisions.Denied ? result.Message : "";
            Assert.Contains(fragment, message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Never")]
    [InlineData("OnFailure")]
    public void Inject_RunToCompletionWithNativeSidecars_InjectedAsNativeSidecar(string restartPolicy)
    {
        var injector = new PodInjector(new InjectorOptions());
        var pod = TestPods.Pod(spec: $"\"restartPolicy\":\"{restartPolicy}\"");

        var result = injector.Inject(pod, new InjectionContext("shop", ServerVersion: new Version(1, 29), OldestKubelet: new Version(1, 29)));

        var injected = Assert.IsType<InjectedPod>(result.Injected);
        Assert.Equal("Always", Assert.Single(injected.Pod.Spec.InitContainers).RestartPolicy);
        Assert.DoesNotContain(injected.Pod.Spec.Containers, c => c.Name == "single-active-elector");
    }

    [Fact]
    public void Inject_MirrorPod_AllowedUnchangedWithAWarningThatSaysWhatToDo()
    {
        var pod = TestPods.Pod($"{On},\"kubernetes.io/config.mirror\":\"abc\"");

        var skipped = new PodInjector(new InjectorOptions()).Inject(pod, new InjectionContext("shop"));

        Assert.Equal(Decisions.Skipped, skipped.Decision);
        Assert.Contains("pod \"web\" in namespace \"shop\" is the mirror of a static pod", Assert.Single(skipped.Warnings!), StringComparison.Ordinal);
        Assert.Contains("run it as a Deployment or StatefulSet", Assert.Single(skipped.Warnings!), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_PodWithGenerateNameOnly_NamesItWithAWildcard()
    {
        var pod = TestPods.Pod("\"single-active\":\"maybe\"", metadata: "\"generateName\":\"web-7f9-\"");

        var decision = InjectionDecider.Decide(pod, PodDescriptions.Describe(pod, "shop"));

        Assert.Equal(Decisions.Denied, decision?.Decision);
        Assert.Contains("pod \"web-7f9-*\" in namespace \"shop\"", decision!.Message, StringComparison.Ordinal);
    }

    /// <summary>The rows' names for a result: what the injector's result type was called per case before it was one type.</summary>
    private static string Kind(MutationResult result) => result.Decision switch
    {
        Decisions.Injected => "Injected",
        Decisions.Skipped => "Skipped",
        Decisions.AlreadyInjected => "AlreadyInjected",
        Decisions.Denied => "Denied",
        _ => result.Decision,
    };
}
