using SingleActive.Contract;
using SingleActive.Kubectl.Output;
using SingleActive.Kubectl.Status;
using static SingleActive.Kubectl.Tests.TestWorkloads;

namespace SingleActive.Kubectl.Tests.Status;

public sealed class StatusRendererTests
{
    private static readonly HandoverRecord Done = new("web-1", "web-1", "web-0", HandoverOutcome.Done, "web-1 took the Lease from web-0", Now.AddMinutes(-5));

    [Fact]
    public void From_LeaseAndPods_LeaderNodeStandbysAndHowTheTermBegan()
    {
        var lease = Lease("web", "web-1", 4, Now.AddMinutes(-5), new Dictionary<string, string>
        {
            [Annotations.LastHandover] = Done.ToJson(),
            [Annotations.PreviousHolder] = "web-0",
            [Annotations.Paused] = "true",
        });

        var status = WorkloadStatus.From(Workload(), lease, [Pod("web-0", "n1", true), Pod("web-1", "n2", true), Pod("web-2", "n1", false)]);

        Assert.Equal(("web-1", true, "n2", 4), (status.Leader, status.LeaderPodFound, status.LeaderNode, status.Epoch));
        Assert.Equal((1, 2, true), (status.StandbysReady, status.Standbys, status.Paused));
        Assert.Equal("handover from web-0 (requested web-1)", status.Why);
        Assert.Equal(Done, status.LastHandover);
    }

    [Theory]
    [InlineData(null, 15, null, "no Lease yet: no elector has run")]
    [InlineData("", 1, "web-0", "released by web-0")]
    [InlineData("web-1", 15, "web-0", "took over from web-0")]
    [InlineData("web-0", 15, null, "first term")]
    public void From_HowTheTermBegan(string? holder, int duration, string? previous, string why)
    {
        var annotations = previous is null ? null : new Dictionary<string, string> { [Annotations.PreviousHolder] = previous };
        var lease = holder is null ? null : Lease("web", holder, 1, Now, annotations, duration);

        Assert.Equal(why, WorkloadStatus.From(Workload(), lease, []).Why);
    }

    [Fact]
    public void Render_Table_OneRowAWorkloadAndTheDeadLeaderMarked()
    {
        var text = StatusRenderer.Render(Two(), OutputFormat.Table, allNamespaces: true, Now);

        var rows = text.TrimEnd('\n').Split('\n').Select(line => System.Text.RegularExpressions.Regex.Split(line, "   +")).ToList();
        Assert.Equal(["NAMESPACE", "NAME", "MODE", "LEADER", "NODE", "EPOCH", "LEADING SINCE", "STANDBYS READY", "PAUSED"], rows[0]);
        Assert.Equal(["shop", "deployment/web", "readiness", "web-1", "n2", "4", "5m", "1/2", "yes"], rows[1]);
        Assert.Equal(["shop", "deployment/cart", "label", "cart-0 (gone)", "<none>", "0", "<none>", "0/0", "no"], rows[2]);
        Assert.Equal(rows[0][0].Length + 3, text.IndexOf("NAME", 1, StringComparison.Ordinal));
    }

    [Fact]
    public void Render_Wide_AddsLeaseWhyAndLastHandover()
    {
        var text = StatusRenderer.Render(Two()[..1], OutputFormat.Wide, allNamespaces: false, Now);

        var rows = text.TrimEnd('\n').Split('\n').Select(line => System.Text.RegularExpressions.Regex.Split(line, "   +")).ToList();
        Assert.Equal(["LEASE", "WHY", "LAST HANDOVER"], rows[0][^3..]);
        Assert.Equal(["web", "handover from web-0 (requested web-1)", "done: web-1 took the Lease from web-0 (5m ago)"], rows[1][^3..]);
    }

    [Fact]
    public void Render_JsonAndYaml_SameDocument()
    {
        var json = StatusRenderer.Render(Two()[..1], OutputFormat.Json, allNamespaces: false, Now);
        var yaml = StatusRenderer.Render(Two()[..1], OutputFormat.Yaml, allNamespaces: false, Now);

        Assert.Contains("\"leader\": \"web-1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"standbys\": {\n        \"ready\": 1,\n        \"total\": 2\n      }", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\": \"done\"", json, StringComparison.Ordinal);
        Assert.StartsWith("items:\n- namespace: shop\n  kind: Deployment\n  name: web\n  mode: readiness\n  lease: web\n  leader: web-1\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  leadingSince: \"2026-11-30T11:55:00Z\"\n", yaml, StringComparison.Ordinal);
    }

    private static List<WorkloadStatus> Two() =>
    [
        WorkloadStatus.From(
            Workload(),
            Lease("web", "web-1", 4, Now.AddMinutes(-5), new Dictionary<string, string> { [Annotations.LastHandover] = Done.ToJson(), [Annotations.Paused] = "true" }),
            [Pod("web-0", "n1", true), Pod("web-1", "n2", true), Pod("web-2", "n1", false)]),
        WorkloadStatus.From(Workload("shop", "cart", "label"), Lease("cart", "cart-0", 0, null), []),
    ];
}
