using System.Globalization;

namespace SingleActive.Bench.Runner.Processes;

/// <summary>Resident memory and consumed CPU of one process, read from /proc.</summary>
public readonly record struct ProcSample(long RssBytes, TimeSpan Cpu)
{
    // USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every mainstream Linux build.
    private const double TicksPerSecond = 100;

    public static ProcSample? Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var rssLine = status.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var rssKb = rssLine is null ? 0 : long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

            // The command name (field 2) may contain spaces; fields after it are counted from its ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return new ProcSample(rssKb * 1024, TimeSpan.FromSeconds(ticks / TicksPerSecond));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
