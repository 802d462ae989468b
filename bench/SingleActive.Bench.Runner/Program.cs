using System.Globalization;
using SingleActive.Bench.Runner.Elector;
using SingleActive.Bench.Runner.EndToEnd;
using SingleActive.Bench.Runner.Reporting;

// single-active-bench-runner elector KUBECONFIG WORKDIR FIGURES ours=BIN leaderelector=BIN [--idle S] [--handover N] [--crash N] [--cut N]
// single-active-bench-runner e2e KUBECONFIG WEBHOOK_URL CA_FILE FIGURES [COUNT] [WARMUP]
// single-active-bench-runner report MACHINE_FILE ADMISSION_JSONL FIGURES_DIR OUT_MD   (reads FIGURES_DIR/figures-*.jsonl)
switch (args)
{
    case ["elector", var kubeconfig, var work, var figuresFile, .. var rest]:
    {
        var implementations = rest.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a.Split('=', 2)).Select(p => new ElectorImplementation(p[0], p[1])).ToList();
        var flags = rest.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        int Flag(string name, int fallback) => flags.IndexOf(name) is var i and >= 0 ? int.Parse(flags[i + 1], CultureInfo.InvariantCulture) : fallback;
        var d = ElectorBenchOptions.Default;
        var options = new ElectorBenchOptions(TimeSpan.FromSeconds(Flag("--idle", (int)d.Idle.TotalSeconds)), Flag("--handover", d.HandoverRounds), Flag("--crash", d.CrashRounds), Flag("--cut", d.CutRounds));
        await new ElectorBench(kubeconfig, work, implementations, options, new FigureLog(figuresFile)).RunAsync();
        return 0;
    }

    case ["e2e", var kubeconfig, var url, var ca, var figuresFile, .. var rest]:
    {
        var count = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 150;
        var warmup = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 20;
        await new PodCreationBench(kubeconfig, url, ca, count, warmup, new FigureLog(figuresFile)).RunAsync();
        return 0;
    }

    case ["report", var machine, var admission, var figuresDirectory, var output]:
    {
        var figures = Directory.GetFiles(figuresDirectory, "figures-*.jsonl").Order(StringComparer.Ordinal).SelectMany(FigureLog.Read).ToList();
        var markdown = ReportWriter.Render(File.ReadAllText(machine), ReportWriter.ReadAdmission(admission), figures);
        File.WriteAllText(output, markdown);
        Console.WriteLine(markdown);
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: single-active-bench-runner elector|e2e|report ... (see bench/run.sh)");
        return 2;
}
