using System.Globalization;
using SingleActive.Bench.Load;

namespace SingleActive.Bench.Runner.Processes;

/// <summary>Resident memory and consumed CPU of one process, read from /proc.</summary>
public readonly record struct ProcSample(long RssBytes, TimeSpan Cpu)
{
    public static ProcSample? Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var rssLine = status.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var rssKb = rssLine is null ? 0 : long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return ProcessCpuTime.Of(pid) is { } cpu ? new ProcSample(rssKb * 1024, cpu) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
