using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Tests.Golden;
using SingleActive.Webhook.Tests.Robustness;

namespace SingleActive.Webhook.Tests.Patching;

/// <summary>
/// The webhook writes its pod patch from render's typed edits; these tests hold it to the diff of the pod's two
/// typed serializations, before and after render (<see cref="JsonPatchBuilder"/>, how the patch used to be made):
/// applied to the object exactly as the API server sent it, both must give the same document.
/// </summary>
public sealed class PodPatchWriterTests
{
    private static readonly Version[] Servers = [new(1, 20), new(1, 30)];

    /// <summary>Shared, as in the webhook: its <see cref="RenderedJsonCache"/> serves later pods the elector rendered for earlier ones.</summary>
    private static readonly PodInjector Injector = new(new InjectorOptions());

    [Fact]
    public void Write_CapturedPods_SameResultAsTheTypedDiff()
    {
        var injected = new List<string>();
        foreach (var fixture in TestData.Fixtures)
        {
            var request = JsonNode.Parse(TestData.Fixture(fixture))!["request"]!;
            if ((string?)request["kind"]?["kind"] != "Pod" || (string?)request["operation"] != "CREATE")
            {
                continue;
            }

            foreach (var server in Servers)
            {
                if (AssertSameAsTypedDiff(request["object"]!, (string?)request["namespace"], server))
                {
                    injected.Add($"{fixture} on {server}");
                }
            }
        }

        // The deployment replica, StatefulSet, bare, dry-run and label-mode pods, each as container and native sidecar.
        Assert.True(injected.Count >= 10, "injected only: " + string.Join(", ", injected));
    }

    [Fact]
    public void Write_GeneratedPods_SameResultAsTheTypedDiff()
    {
        var injected = 0;
        for (var i = 0; i < 400; i++)
        {
            foreach (var server in Servers)
            {
                injected += AssertSameAsTypedDiff(PodGenerator.Generate(GeneratedPodPropertyTests.Seed, i), "gen", server) ? 1 : 0;
            }
        }

        Assert.Equal(800, injected);
    }

    [Theory]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":null,"volumes":null,"initContainers":null}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i","env":[]},{"name":"y","image":"i","env":null}],"volumes":[],"initContainers":[]}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i","env":[{"name":"SINGLE_ACTIVE_STATUS_URL","value":"mine"}]}]}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"serviceAccount":"default","serviceAccountName":"default","containers":[{"name":"x","image":"i"}]}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"serviceAccountName":"own","containers":[{"name":"x","image":"i"}],"initContainers":[{"name":"setup","image":"i"}]}}""")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true","single-active.io/status":"not ours"}},"spec":{"containers":[{"name":"x","image":"i","unknownField":{"kept":true}}],"unknownSpecField":1}}""")]
    public void Write_UnusualShapes_SameResultAsTheTypedDiff(string pod)
    {
        foreach (var server in Servers)
        {
            AssertSameAsTypedDiff(JsonNode.Parse(pod)!, "shop", server);
        }
    }

    [Fact]
    public void Write_ExistingElements_AreNeverReplacedOrRemoved()
    {
        var raw = JsonNode.Parse("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i","env":[{"name":"A","value":"1"}]}],"volumes":[{"name":"v","emptyDir":{}}],"initContainers":[{"name":"setup","image":"i"}]}}""")!;
        foreach (var server in Servers)
        {
            var (patch, _) = Render(raw, "shop", server)!.Value;
            var ops = JsonPatchOracle.Operations(patch).Select(o => ((string)o!["op"]!, (string)o["path"]!)).ToList();
            Assert.All(ops, o => Assert.Equal("add", o.Item1));
            Assert.Contains(("add", "/spec/containers/0/env/-"), ops);
            Assert.Contains(("add", "/spec/volumes/-"), ops);
            Assert.Contains(server.Minor >= 29 ? ("add", "/spec/initContainers/0") : ("add", "/spec/containers/-"), ops);
        }
    }

    /// <summary>Configured pull secrets for the elector image: added once each, after the pod's own, none it lists already.</summary>
    [Theory]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i"}]}}""", "regcred,mirror")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i"}],"imagePullSecrets":[]}}""", "regcred,mirror")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i"}],"imagePullSecrets":null}}""", "regcred,mirror")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i"}],"imagePullSecrets":[{"name":"app"},{"name":"mirror"}]}}""", "app,mirror,regcred")]
    [InlineData("""{"kind":"Pod","metadata":{"name":"a","annotations":{"single-active":"true"}},"spec":{"containers":[{"name":"x","image":"i"}],"imagePullSecrets":[{"name":"regcred"},{"name":"mirror"}]}}""", "regcred,mirror")]
    public void Write_ConfiguredImagePullSecrets_AddedOnceAfterThePodsOwnSameResultAsTheTypedDiff(string pod, string expected)
    {
        var injector = new PodInjector(new InjectorOptions { ImagePullSecrets = ["regcred", "mirror", "regcred"] });
        var raw = JsonNode.Parse(pod)!;
        foreach (var server in Servers)
        {
            var (patch, diff) = Render(injector, raw, "shop", server)!.Value;

            var written = JsonPatchOracle.Apply(raw.DeepClone(), patch);
            Assert.True(JsonNode.DeepEquals(JsonPatchOracle.Apply(raw.DeepClone(), diff), written), $"server {server}: {Encoding.UTF8.GetString(patch)}");
            Assert.Equal(expected, string.Join(',', written["spec"]!["imagePullSecrets"]!.AsArray().Select(s => (string?)s!["name"])));
            Assert.All(JsonPatchOracle.Operations(patch), o => Assert.Equal("add", (string?)o!["op"]));
        }
    }

    [Fact]
    public void RenderedJsonCache_SameInputs_OneSerializationAndBounded()
    {
        var cache = new RenderedJsonCache();
        var settings = new InjectionSettings("lease", SingleActive.Contract.ElectorMode.Readiness, SingleActive.Contract.ElectionTimings.Default, new SingleActive.Contract.ReadinessProbeTimings(1, 1, 1), 8099, false, new SidecarChoice(false, "configured: container"), ElectorResources.From(new InjectorOptions()));
        var elector = Edits(ElectorContainer.Create(settings, new InjectorOptions(), null));

        var first = cache.Get(settings, null, elector);
        Assert.Same(first, cache.Get(settings with { }, null, Edits(ElectorContainer.Create(settings, new InjectorOptions(), null))));
        Assert.NotSame(first, cache.Get(settings, "http://127.0.0.1:8080/healthz", elector));
        for (var i = 0; i < RenderedJsonCache.Capacity + 10; i++)
        {
            cache.Get(settings with { LeaseName = "lease-" + i }, null, elector);
        }

        Assert.InRange(cache.Count, 1, RenderedJsonCache.Capacity);

        static PodEdits Edits(k8s.Models.V1Container elector) =>
            new([0], new k8s.Models.V1EnvVar { Name = "SINGLE_ACTIVE_STATUS_URL", Value = "http://127.0.0.1:8099/status" }, elector, false, ElectorTokenVolume.Create(3607), [], null, "{}");
    }

    /// <summary>False when the pod is not injected (nothing to compare).</summary>
    private static bool AssertSameAsTypedDiff(JsonNode raw, string? ns, Version server)
    {
        if (Render(raw, ns, server) is not var (patch, diff))
        {
            return false;
        }

        var written = JsonPatchOracle.Apply(raw.DeepClone(), patch);
        var expected = JsonPatchOracle.Apply(raw.DeepClone(), diff);
        Assert.True(JsonNode.DeepEquals(expected, written), $"server {server}: the written patch\n{JsonSerializer.Serialize(JsonNode.Parse(patch))}\ndiffers from the typed diff\n{JsonSerializer.Serialize(JsonNode.Parse(diff))}\nfor {raw.ToJsonString()}");
        return true;
    }

    /// <summary>The webhook's patch and the typed diff for the same pod, or null when it is not injected.</summary>
    private static (byte[] Patch, byte[] Diff)? Render(JsonNode raw, string? ns, Version server) => Render(Injector, raw, ns, server);

    private static (byte[] Patch, byte[] Diff)? Render(PodInjector injector, JsonNode raw, string? ns, Version server)
    {
        var value = RawJsonValue.Parse(raw.ToJsonString());
        var pod = PodReader.Read(value, PodOutline.Of(value), out var problem) ?? throw new InvalidOperationException(problem);
        var context = new InjectionContext(ns, ServerVersion: server, OldestKubelet: server);
        if (injector.Decide(pod, context, out var settings) is not null)
        {
            return null;
        }

        var before = KubernetesObjectJson.ToUtf8(pod);
        var injected = injector.Render(pod, context, settings!);
        return (injected.Patch!, new JsonPatchBuilder().CreatePatch(before, KubernetesObjectJson.ToUtf8(injected.Injected!.Pod)));
    }
}
