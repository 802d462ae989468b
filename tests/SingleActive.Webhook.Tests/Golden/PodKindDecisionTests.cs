using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Manifests;
using SingleActive.Webhook.Tests.Patching;
using SingleActive.Webhook.Tests.Serving;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The kinds of pods real clusters run (Jobs, Windows pods, mirror pods, pods injected earlier by a mesh, pods with
/// a cloud identity, quota-bound namespaces, workloads being deleted, probes the elector cannot follow): one table,
/// each row a review in testdata, driven through the real HTTPS <c>/mutate</c> and through <c>inject -f</c> on the
/// review's object, which must agree: the same denial message, the same injected object, or the object unchanged,
/// with the same warnings. The golden files hold the full answers; this table holds what each kind must get.
/// </summary>
public static class PodKindCases
{
    /// <summary>fixture, server ("container": version unknown; "native": 1.30), expected ("denied", "injected", "unchanged"), fragment of the message or of a warning.</summary>
    public static TheoryData<string, string, string, string?> Rows => new()
    {
        // 1. Pods that run to completion: a regular elector would keep them running forever.
        { "real-world-job-pod-restart-never", "container", "denied", "has restartPolicy \"Never\" (a Job's or CronJob's pod runs to completion)" },
        { "real-world-job-pod-restart-never", "native", "injected", null },
        { "derived-pod-create-job-on-failure", "container", "denied", "and here it would be a regular container (auto: API server version unknown)" },
        { "derived-pod-create-job-on-failure", "native", "injected", null },

        // 2. Pods that cannot run a Linux sidecar.
        { "derived-pod-create-windows-os", "native", "denied", "can run only on Windows nodes (spec.os.name is \"windows\")" },
        { "derived-pod-create-windows-node-selector", "container", "denied", "can run only on Windows nodes (its nodeSelector requires kubernetes.io/os=windows)" },
        { "derived-pod-create-windows-node-affinity", "container", "denied", "its required node affinity admits no node with kubernetes.io/os=linux" },

        // 3. Mirror pods: never patched, never denied (the static pod runs anyway), always said.
        { "real-world-mirror-pod", "container", "unchanged", "is the mirror of a static pod (annotation \"kubernetes.io/config.mirror\")" },
        { "real-world-mirror-pod", "native", "unchanged", "run it as a Deployment or StatefulSet" },
        { "derived-pod-create-mirror-invalid-opt-in", "container", "unchanged", "is the mirror of a static pod" },

        // 4. Which container is the app.
        { "derived-pod-create-istio-proxy-first", "container", "injected", null },
        { "derived-pod-create-default-container", "native", "injected", null },

        // 5. Cloud identities are never moved silently.
        { "real-world-pod-with-cloud-identity-token", "container", "denied", "volume \"aws-iam-token\" is a projected ServiceAccount token for the audience \"sts.amazonaws.com\"" },
        { "derived-pod-create-azure-identity-label", "native", "denied", "the pod has the label azure.workload.identity/use=true (Azure workload identity)" },
        { "derived-pod-create-cloud-identity-own-account", "container", "injected", null },
        { "pod-create-bare", "container", "injected", "was switched from ServiceAccount \"default\" to \"single-active-elector\"" },
        { "derived-pod-create-istio-mesh-token-on-default", "native", "injected", "was switched from ServiceAccount \"default\"" },

        // 6. Quotas and restricted platforms.
        { "derived-pod-create-elector-resources", "container", "injected", null },
        { "derived-pod-create-elector-resources-invalid", "container", "denied", "annotation \"single-active.io/cpu-limit\" on pod \"solo\" in namespace \"shop\" is \"lots\"" },

        // Per-pod overrides are checked alike: the node taints after which the leader hands over before a drain.
        { "derived-pod-create-drain-taints", "container", "injected", null },
        { "derived-pod-create-drain-taints-invalid", "native", "denied", "annotation \"single-active.io/drain-taints\" on pod \"solo\" in namespace \"shop\" is \"karpenter.sh/disrupted,,example.com/retiring=\"; entry 2 is empty; \"example.com/retiring=\": the value after '=' is empty; expected comma-separated taint keys" },

        // 7. Objects on their way out.
        { "real-world-deployment-being-deleted-finalizer-removal", "container", "unchanged", null },
        { "derived-statefulset-update-being-deleted", "native", "unchanged", null },

        // The app's probe is run as the kubelet runs it: same headers, HTTPS unverified, pod IP (see AppProbeSpec).
        { "real-world-app-probe-with-host-header", "container", "injected", null },
        { "derived-pod-create-https-probe", "native", "injected", null },
    };
}

public sealed class PodKindDecisionTests(GoldenServers.Container container, GoldenServers.Native native)
    : IClassFixture<GoldenServers.Container>, IClassFixture<GoldenServers.Native>
{
    [Theory]
    [MemberData(nameof(PodKindCases.Rows), MemberType = typeof(PodKindCases))]
    public async Task MutateAndInject_Kind_AgreeOnTheExpectedAnswer(string fixture, string server, string expected, string? fragment)
    {
        var review = JsonNode.Parse(TestData.Fixture(fixture))!;
        var request = review["request"]!;
        var original = request["object"]!;
        var (_, answer) = await (server == "native" ? native : (WebhookServerFixture)container).PostReviewAsync(review.ToJsonString());
        var result = answer!.Response!;
        var warnings = result.Warnings ?? [];
        var (exit, stdout, stderr) = Inject(original, (string?)request["namespace"], server == "native");

        switch (expected)
        {
            case "denied":
                Assert.False(result.Allowed, $"{fixture}: expected a denial");
                Assert.Contains(fragment!, result.Status!.Message, StringComparison.Ordinal);
                Assert.True(exit == 1, $"{fixture}: inject exited {exit}: {stderr}");
                Assert.Contains(result.Status.Message!, stderr, StringComparison.Ordinal);
                return;

            case "injected":
                Assert.True(result.Allowed, $"{fixture}: denied: {result.Status?.Message}");
                Assert.DoesNotContain(warnings, w => w.Contains("readinessProbe", StringComparison.Ordinal));
                Assert.NotNull(result.Patch);
                var patched = JsonPatchOracle.Apply(original, result.Patch!);
                Assert.NotNull(patched["metadata"]!["annotations"]![Annotations.Status]);
                Assert.True(exit == 0, $"{fixture}: inject exited {exit}: {stderr}");
                var injected = LastDocument(stdout);
                Assert.True(JsonNode.DeepEquals(patched["spec"], injected["spec"]), $"{fixture}: inject -f rendered another spec:\n{injected["spec"]}\nthan /mutate:\n{patched["spec"]}");
                Assert.True(JsonNode.DeepEquals(patched["metadata"]!["annotations"], injected["metadata"]!["annotations"]), $"{fixture}: annotations differ");
                break;

            default:
                Assert.True(result.Allowed, $"{fixture}: denied: {result.Status?.Message}");
                Assert.Null(result.Patch);
                Assert.True(exit == 0, $"{fixture}: inject exited {exit}: {stderr}");
                Assert.True(JsonNode.DeepEquals(original, LastDocument(stdout)), $"{fixture}: inject -f changed the object:\n{stdout}");
                break;
        }

        if (fragment is not null)
        {
            Assert.Contains(warnings, w => w.Contains(fragment, StringComparison.Ordinal));
        }

        foreach (var warning in warnings)
        {
            Assert.Contains(warning, stderr, StringComparison.Ordinal);
        }
    }

    private static (int Exit, string Stdout, string Stderr) Inject(JsonNode obj, string? ns, bool native)
    {
        using var stdin = new StringReader(obj.ToJsonString());
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] args = ["inject", "-f", "-", "--image", GoldenServers.Image, .. ns is null ? [] : new[] { "-n", ns }, .. native ? new[] { "--kubernetes-version", "1.30" } : []];
        var exit = InjectCommand.Run(args, stdin, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The object inject wrote last (RBAC manifests come first), read back with the command's own reader.</summary>
    private static JsonNode LastDocument(string yaml) => ManifestReader.Read(yaml)[^1];
}
