using System.Net.Http.Headers;
using SingleActive.Webhook.Tests.Golden;
using Xunit.Abstractions;

namespace SingleActive.Webhook.Tests.Robustness;

public sealed class LeakProbeTemp(QuietWebhookServer server, ITestOutputHelper output) : IClassFixture<QuietWebhookServer>
{
    [Theory]
    [InlineData("valid")]
    [InlineData("garbage")]
    [InlineData("415")]
    [InlineData("nonDry")]
    public async Task Probe(string kind)
    {
        var valid = TestData.Fixture("pod-create-dry-run");
        var nonDry = TestData.Fixture("pod-create-deployment-replica");
        long Retained() { GC.Collect(2, GCCollectionMode.Forced, true, true); GC.WaitForPendingFinalizers(); return GC.GetTotalMemory(true); }
        var before = Retained();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 2500; i++)
            {
                using var content = new StringContent(kind switch { "valid" => valid, "nonDry" => nonDry, _ => "{{{" });
                content.Headers.ContentType = new MediaTypeHeaderValue(kind == "415" ? "text/plain" : "application/json");
                using var r = await server.Client.PostAsync("/mutate", content);
                await r.Content.ReadAsByteArrayAsync();
            }
        })));
        var after = Retained();
        output.WriteLine($"{kind}: {before / 1048576.0:F1} -> {after / 1048576.0:F1} MiB over 20000 requests");
    }
}
