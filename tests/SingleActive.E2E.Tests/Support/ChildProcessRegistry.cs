namespace SingleActive.E2E.Tests.Support;

/// <summary>
/// The processes the harness started (webhook, electors), kept current in a pid file that
/// <c>control-plane.sh stop</c> and its watchdog read: if the test host dies without
/// disposing, the watchdog still stops them. Exited processes are removed at once, so a
/// recycled pid is never signalled.
/// </summary>
public sealed class ChildProcessRegistry(string pidFile)
{
    private readonly Dictionary<int, string> live = [];
    private readonly Lock gate = new();

    public void Add(string name, int pid)
    {
        lock (gate)
        {
            live[pid] = name;
            Write();
        }
    }

    public void Remove(int pid)
    {
        lock (gate)
        {
            if (live.Remove(pid))
            {
                Write();
            }
        }
    }

    private void Write()
    {
        var temp = pidFile + ".tmp";
        File.WriteAllLines(temp, live.Select(p => $"{p.Value.Replace(' ', '_')} {p.Key}"));
        File.Move(temp, pidFile, overwrite: true);
    }
}
