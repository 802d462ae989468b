using System.Diagnostics;

namespace SingleActive.Bench.Runner.Processes;

/// <summary>A process this runner started, with its output appended to a log file.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Task pumps;

    private ChildProcess(Process process, StreamWriter log)
    {
        this.process = process;
        this.log = log;
        pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public static ChildProcess Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, string logFile)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        return new ChildProcess(process, log);
    }

    public void Signal(int signal)
    {
        if (!process.HasExited)
        {
            Signals.Send(process.Id, signal);
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Signal(Signals.Term);
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        await pumps.ConfigureAwait(false);
        await log.DisposeAsync().ConfigureAwait(false);
        process.Dispose();
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }
}
