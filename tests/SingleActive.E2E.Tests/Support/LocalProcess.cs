using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SingleActive.E2E.Tests.Support;

/// <summary>
/// A binary run as a local process with exactly the environment given (nothing inherited, so a
/// KUBECONFIG of the test host can never leak in), output appended to a log file, registered
/// for clean-up, and stopped the way a kubelet stops a container: SIGTERM, a grace period, SIGKILL.
/// </summary>
public sealed partial class LocalProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process process;
    private readonly ChildProcessRegistry? registry;

    private LocalProcess(Process process, ChildProcessRegistry? registry, string logFile)
    {
        this.process = process;
        this.registry = registry;
        LogFile = logFile;
        Exited = WaitAndUnregisterAsync();
    }

    public int Pid => this.process.Id;

    public string LogFile { get; }

    public bool HasExited => this.process.HasExited;

    /// <summary>Completes with the exit code when the process ends, whoever ended it.</summary>
    public Task<int> Exited { get; }

    public static LocalProcess Start(
        string name,
        string binary,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string logFile,
        ChildProcessRegistry? registry,
        string? workingDirectory = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);

        // sh redirects and then execs the binary, so the pid we record is the binary's own.
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$SINGLE_ACTIVE_E2E_LOG\" 2>&1 </dev/null");
        startInfo.ArgumentList.Add(binary);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        startInfo.Environment["SINGLE_ACTIVE_E2E_LOG"] = logFile;
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {binary}");
        registry?.Add(name, process.Id);
        return new LocalProcess(process, registry, logFile);
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="gracePeriod"/>.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (this.process.HasExited)
        {
            return;
        }

        _ = Kill(this.process.Id, SigTerm);
        if (await Task.WhenAny(Exited, Task.Delay(gracePeriod)) != Exited)
        {
            KillNow();
            await Exited;
        }
    }

    public void KillNow()
    {
        try
        {
            this.process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public async ValueTask DisposeAsync()
    {
        KillNow();
        await Exited;
        this.process.Dispose();
    }

    private async Task<int> WaitAndUnregisterAsync()
    {
        await this.process.WaitForExitAsync();
        this.registry?.Remove(this.process.Id);
        return this.process.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
