using System.Net.Http.Headers;
using SingleActive.Webhook.Tests.Golden;
using Xunit.Abstractions;

namespace SingleActive.Webhook.Tests.Robustness;

public sealed class LeakProbeTemp(QuietWebhookServer server, ITestOutputHelper output) : IClassFixture<QuietWebhookServer>
{
    [Fact]
    public async Task Probe()
    {
        var generator = new BadBodyGenerator([.. TestData.Fixtures.Select(TestData.Fixture)], 5, 3145728);
        long Retained() { server.Provisioner.Clear(); GC.Collect(2, GCCollectionMode.Forced, true, true); GC.WaitForPendingFinalizers(); return GC.GetTotalMemory(true); }
        var bodies = Enumerable.Range(0, 100000).Select(generator.Generate).Where(b => b.Category == "huge-value").Take(100).ToList();
        for (var round = 0; round < 14; round++)
        {
            var before = Retained();
            foreach (var b in bodies)
            {
                using var content = new ByteArrayContent(b.Bytes);
                if (b.ContentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(b.ContentType);
                using var r = await server.Client.PostAsync("/mutate", content);
                await r.Content.ReadAsByteArrayAsync();
            }
            var after = Retained();
            output.WriteLine($"round {round}: {before / 1048576.0:F0} -> {after / 1048576.0:F0} MiB; threads {ThreadPool.ThreadCount}");
        }
    }
}
