using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SingleActive.Bench.Runner.Reporting;

/// <summary>Turns the run's raw figures into artifacts/bench/results.md, goals checked against same-run baselines.</summary>
public static class ReportWriter
{
    public static string Render(string machine, IReadOnlyList<AdmissionRun> admission, IReadOnlyList<Figure> figures)
    {
        var md = new StringBuilder();
        md.AppendLine("# single-active benchmark results").AppendLine();
        md.AppendLine("## Machine").AppendLine().AppendLine("```").AppendLine(machine.TrimEnd()).AppendLine("```").AppendLine();
        AppendAdmission(md, admission);
        AppendEndToEnd(md, figures.Where(f => f.Section == "e2e").ToList());
        AppendElector(md, figures.Where(f => f.Section == "elector").ToList());
        return md.ToString();
    }

    public static IReadOnlyList<AdmissionRun> ReadAdmission(string path) =>
        File.Exists(path)
            ? [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<AdmissionRun>(l)!)]
            : [];

    private static void AppendAdmission(StringBuilder md, IReadOnlyList<AdmissionRun> runs)
    {
        md.AppendLine("## Admission latency and throughput").AppendLine();
        if (runs.Count == 0)
        {
            md.AppendLine("(not run)").AppendLine();
            return;
        }

        md.AppendLine("HTTPS/1.1 keep-alive, dry-run pod AdmissionReviews from the fixtures; fixed rates are open loop (latency from the intended send time).").AppendLine();
        md.AppendLine("| server | load | achieved req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | send lateness p99 ms |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            var load = r.Mode == "saturation" ? $"saturation ({r.Connections} conns)" : $"{r.TargetRate:F0} req/s";
            md.AppendLine(Inv($"| {r.Label} | {load} | {r.AchievedRate:F0} | {r.P50Ms:F3} | {r.P99Ms:F3} | {r.P999Ms:F3} | {r.MaxMs:F3} | {r.Errors} | {(r.LateP99Ms is { } l ? l.ToString("F3", CultureInfo.InvariantCulture) : "-")} |"));
        }

        md.AppendLine();
        var webhook1000 = runs.LastOrDefault(r => r.Label == "webhook" && r.TargetRate == 1000);
        var webhookMax = runs.LastOrDefault(r => r.Label == "webhook" && r.Mode == "saturation");
        var ceiling = runs.LastOrDefault(r => r.Label == "baseline" && r.Mode == "saturation");
        if (webhook1000 is not null)
        {
            md.AppendLine(Inv($"- p99 at 1,000 req/s: **{webhook1000.P99Ms:F3} ms** (goal ≤ 2 ms: {Verdict(webhook1000.P99Ms <= 2)})"));
        }

        if (webhookMax is not null && ceiling is not null)
        {
            var ratio = webhookMax.AchievedRate / ceiling.AchievedRate;
            md.AppendLine(Inv($"- saturation: webhook {webhookMax.AchievedRate:F0} req/s / ceiling {ceiling.AchievedRate:F0} req/s = **{ratio:P0}** (goal ≥ 60%: {Verdict(ratio >= 0.6)})"));
            if (runs.LastOrDefault(r => r.Label == "webhook-opted-out" && r.Mode == "saturation") is { } optedOut)
            {
                AppendCostSplit(md, ceiling, optedOut, webhookMax);
            }

            if (runs.LastOrDefault(r => r.Label == "baseline-answer-sized" && r.Mode == "saturation") is { } answerSized)
            {
                AppendAnswerSize(md, ceiling, answerSized, webhookMax);
            }
        }

        var previousMax = runs.LastOrDefault(r => r.Label == "webhook-previous" && r.Mode == "saturation");
        var previous1000 = runs.LastOrDefault(r => r.Label == "webhook-previous" && r.TargetRate == 1000);
        if (webhookMax is not null && previousMax is not null && webhook1000 is not null && previous1000 is not null)
        {
            md.AppendLine(Inv($"- this tree vs the previous commit's webhook (BENCH_PREVIOUS), same run: saturation {webhookMax.AchievedRate:F0} / {previousMax.AchievedRate:F0} req/s = **{webhookMax.AchievedRate / previousMax.AchievedRate:F3}**; p99 at 1,000 req/s {webhook1000.P99Ms:F3} vs {previous1000.P99Ms:F3} ms"));
        }

        md.AppendLine();
    }

    /// <summary>
    /// Machine time per request at saturation (1 s / throughput: both cores, load generator included), split by
    /// the same-run runs: the ceiling, the webhook answering the same bodies opted out, and injecting.
    /// </summary>
    private static void AppendCostSplit(StringBuilder md, AdmissionRun ceiling, AdmissionRun optedOut, AdmissionRun webhook)
    {
        var floor = PerRequestUs(ceiling);
        var serving = PerRequestUs(optedOut) - floor;
        var injection = PerRequestUs(webhook) - PerRequestUs(optedOut);
        md.AppendLine(Inv($"- machine time per request at saturation (1 s / throughput): ceiling {floor:F1} µs; webhook {PerRequestUs(webhook):F1} µs = ceiling + {serving:F1} µs serving (same bodies opted out: {optedOut.AchievedRate:F0} req/s, {optedOut.AchievedRate / ceiling.AchievedRate:P0} of the ceiling) + {injection:F1} µs injection (read the typed pod, decide, render, write the patch); 60 % of the ceiling allows {floor / 0.6 - floor:F1} µs above it in all"));
        if (ceiling.ServerCpuUs is { } ceilingCpu && optedOut.ServerCpuUs is { } optedOutCpu && webhook.ServerCpuUs is { } webhookCpu)
        {
            // The server process's own CPU time: the load generator and the VM's steal time are not in it.
            md.AppendLine(Inv($"- server CPU per response at saturation (the server process's user + system time in the measured window): ceiling {ceilingCpu:F1} µs; webhook {webhookCpu:F1} µs = ceiling + {optedOutCpu - ceilingCpu:F1} µs serving (opted out: {optedOutCpu:F1} µs) + {webhookCpu - optedOutCpu:F1} µs injection; webhook / ceiling ×{webhookCpu / ceilingCpu:F2}; the load generator's own CPU per response: {ceiling.ClientCpuUs:F1} µs with the ceiling, {webhook.ClientCpuUs:F1} µs with the webhook"));
        }
    }

    /// <summary>
    /// What the answer's size costs by itself: the ceiling answering with the webhook's injected AdmissionReview
    /// (about 4 KB) instead of its 130-byte one, same bodies; what is left of the webhook's time per response above
    /// that is its own work (read, decide, render, serialize, log), and the goal's room for it.
    /// </summary>
    private static void AppendAnswerSize(StringBuilder md, AdmissionRun ceiling, AdmissionRun answerSized, AdmissionRun webhook)
    {
        var work = PerRequestUs(webhook) - PerRequestUs(answerSized);
        var room = PerRequestUs(ceiling) / 0.6 - PerRequestUs(answerSized);
        var roomText = room > 0 ? Inv($"60 % of the ceiling leaves {room:F1} µs") : "60 % of the ceiling leaves none: the answer-sized ceiling is itself below it";
        md.AppendLine(Inv($"- the ceiling answering with the webhook's injected answer: {answerSized.AchievedRate:F0} req/s = {answerSized.AchievedRate / ceiling.AchievedRate:P0} of the ceiling (the answer's size alone); webhook / answer-sized ceiling = {webhook.AchievedRate / answerSized.AchievedRate:P0}; machine time per request above the answer-sized ceiling (the webhook's own work, and what the load generator spends more on its requests) {work:F1} µs, where {roomText}"));
        if (answerSized.ServerCpuUs is { } sizedCpu && webhook.ServerCpuUs is { } webhookCpu)
        {
            md.AppendLine(Inv($"- server CPU per response: answer-sized ceiling {sizedCpu:F1} µs, webhook {webhookCpu:F1} µs (its own work: {webhookCpu - sizedCpu:F1} µs); the load generator's own: {answerSized.ClientCpuUs:F1} µs with the answer-sized ceiling"));
        }
    }

    private static void AppendEndToEnd(StringBuilder md, List<Figure> figures)
    {
        md.AppendLine("## End to end: pod creation through kube-apiserver").AppendLine();
        if (figures.Count == 0)
        {
            md.AppendLine("(not run)").AppendLine();
            return;
        }

        AppendTable(md, figures);
        var ratio = figures.FirstOrDefault(f => f.Subject == "ratio" && f.Metric.StartsWith("p50", StringComparison.Ordinal));
        if (ratio is not null)
        {
            md.AppendLine(Inv($"- p50 with / without the webhook: **{ratio.Value:F3}** (goal ≤ 1.10: {Verdict(ratio.Value <= 1.10)})")).AppendLine();
        }
    }

    private static void AppendElector(StringBuilder md, List<Figure> figures)
    {
        md.AppendLine("## Elector: footprint, handover, failover, API-server cut").AppendLine();
        if (figures.Count == 0)
        {
            md.AppendLine("(not run)").AppendLine();
            return;
        }

        AppendTable(md, figures);
        var rss = figures.FirstOrDefault(f => f.Subject == "ours" && f.Metric == "idle RSS (leader)");
        var handover = figures.FirstOrDefault(f => f.Subject == "ours" && f.Metric == "handover (SIGTERM) max");
        if (rss is not null)
        {
            md.AppendLine(Inv($"- our elector's idle RSS (leader): **{rss.Value:F1} MiB** (goal ≤ 20 MB: {Verdict(rss.Value * 1.048576 <= 20)})"));
        }

        var previousRss = figures.FirstOrDefault(f => f.Subject == "previous" && f.Metric == "idle RSS (leader)");
        if (rss is not null && previousRss is not null)
        {
            md.AppendLine(Inv($"- idle RSS (leader), this tree vs the previous commit's elector (BENCH_PREVIOUS), same run: {rss.Value:F1} vs {previousRss.Value:F1} MiB = **{rss.Value / previousRss.Value:F3}**"));
        }

        if (handover is not null)
        {
            md.AppendLine(Inv($"- our elector's slowest graceful handover: **{handover.Value:F0} ms** (goal < 1 s: {Verdict(handover.Value < 1000)})"));
        }

        md.AppendLine();
    }

    /// <summary>Metrics as rows, subjects as columns, in the order they were measured.</summary>
    private static void AppendTable(StringBuilder md, List<Figure> figures)
    {
        var subjects = figures.Select(f => f.Subject).Distinct().ToList();
        md.AppendLine("| metric | " + string.Join(" | ", subjects) + " |");
        md.AppendLine("|---|" + string.Concat(subjects.Select(_ => "---:|")));
        foreach (var metric in figures.Select(f => f.Metric).Distinct())
        {
            var cells = subjects.Select(s => figures.LastOrDefault(f => f.Subject == s && f.Metric == metric) is { } f
                ? Inv($"{f.Value:0.###} {f.Unit}")
                : "");
            md.AppendLine($"| {metric} | " + string.Join(" | ", cells) + " |");
        }

        md.AppendLine();
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    /// <summary>Machine time per request at saturation, µs: 1 s / throughput (both cores, the load generator included).</summary>
    private static double PerRequestUs(AdmissionRun run) => 1e6 / run.AchievedRate;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
