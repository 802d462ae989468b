using System.Runtime.InteropServices;

namespace SingleActive.Bench.Runner.Processes;

/// <summary>POSIX signals by pid: Process.Kill only sends SIGKILL, and graceful handover needs SIGTERM.</summary>
public static partial class Signals
{
    public const int Term = 15;
    public const int Kill = 9;

    public static void Send(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
