using System.Globalization;

namespace SingleActive.Bench.Load;

/// <summary>Command line of the load generator; see <see cref="Usage"/>.</summary>
public sealed class LoadOptions
{
    public const string Usage =
        """
        usage: single-active-bench-load --url URL --body FILE [--body FILE ...]
                 (--rate N | --saturate) [--duration S] [--warmup S] [--connections N]
                 [--ca FILE | --insecure] [--dry-run] [--opt-out] [--label NAME] [--json-out FILE] [--histogram-out FILE]
                 [--server-pid PID] [--save-response FILE]
          --rate N         open loop: request i is due at start + i/N; latency counts from that due time
          --saturate       closed loop: --connections workers send back to back; reports throughput
          --dry-run        set request.dryRun=true in every body (the webhook then skips side effects)
          --opt-out        set the pod's single-active annotation to "false" in every body: the same
                           bytes to read, nothing to inject (what serving costs without injection)
          --server-pid PID saturation: also report the server process's CPU time per response in the
                           measured window (user + system, /proc/PID/stat), and this generator's own
                           (own running time only, not the VM's steal time)
          --save-response FILE  write the smallest of the answers to the bodies' first check to FILE (for
                           the ceiling's --response: a ceiling that answers as much as the server does)
        """;

    public Uri Url { get; private set; } = new("https://127.0.0.1:8443/mutate");
    public List<string> Bodies { get; } = [];
    public double Rate { get; private set; }
    public bool Saturate { get; private set; }
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(20);
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);
    public int Connections { get; private set; } = 32;
    public string? CaFile { get; private set; }
    public bool Insecure { get; private set; }
    public bool DryRun { get; private set; }
    public bool OptOut { get; private set; }
    public string Label { get; private set; } = "load";
    public string? JsonOut { get; private set; }
    public string? HistogramOut { get; private set; }
    public int? ServerPid { get; private set; }
    public string? SaveResponse { get; private set; }

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": o.Url = new Uri(Next()); break;
                case "--body": o.Bodies.Add(Next()); break;
                case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--saturate": o.Saturate = true; break;
                case "--duration": o.Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--warmup": o.Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--connections": o.Connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ca": o.CaFile = Next(); break;
                case "--insecure": o.Insecure = true; break;
                case "--dry-run": o.DryRun = true; break;
                case "--opt-out": o.OptOut = true; break;
                case "--label": o.Label = Next(); break;
                case "--json-out": o.JsonOut = Next(); break;
                case "--histogram-out": o.HistogramOut = Next(); break;
                case "--server-pid": o.ServerPid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--save-response": o.SaveResponse = Next(); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        if (o.Bodies.Count == 0)
        {
            throw new ArgumentException("at least one --body is required");
        }

        if (o.Saturate == (o.Rate > 0))
        {
            throw new ArgumentException("give exactly one of --rate N or --saturate");
        }

        if (o.CaFile is null && !o.Insecure)
        {
            throw new ArgumentException("give --ca FILE (the server's CA) or --insecure");
        }

        return o;
    }
}
