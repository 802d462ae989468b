using System.Globalization;
using System.Runtime.InteropServices;

namespace SingleActive.Bench.Load;

/// <summary>
/// The CPU time a process has used so far, user plus system, all threads: fields 14 (<c>utime</c>) and 15
/// (<c>stime</c>) of <c>/proc/PID/stat</c> (proc(5)), in clock ticks of <c>sysconf(_SC_CLK_TCK)</c> (100 per second
/// on Linux). It counts only the process's own running time (with the kernel's paravirtual steal accounting, which
/// guest kernels normally have, not the time the hypervisor gave to other guests), so a server's CPU time per request
/// is steadier on a shared VM than throughput.
/// </summary>
public static partial class ProcessCpuTime
{
    private const int ScClkTck = 2; // _SC_CLK_TCK in glibc and musl

    private static readonly long TicksPerSecond = OperatingSystem.IsLinux() ? Sysconf(ScClkTck) : 0;

    /// <summary>The process's CPU time, or null when it cannot be read (not Linux, no such process).</summary>
    public static TimeSpan? Of(int pid)
    {
        if (TicksPerSecond <= 0)
        {
            return null;
        }

        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces or parentheses itself: count from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 15 - 3
            && long.TryParse(fields[14 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[15 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
                ? TimeSpan.FromSeconds((double)(user + system) / TicksPerSecond)
                : null;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
