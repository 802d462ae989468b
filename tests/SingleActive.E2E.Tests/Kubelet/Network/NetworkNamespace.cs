using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet.Network;

/// <summary>
/// A named Linux network namespace (<c>ip netns add</c>, so it lives under /var/run/netns until
/// <see cref="DisposeAsync"/> deletes it). Processes enter it through <see cref="ExecPrefix"/>; this
/// process creates sockets inside it with <see cref="CreateSocket"/>: a socket belongs to the namespace
/// of the thread that created it for its whole life, so only creation happens on a thread that
/// <c>setns(2)</c>-ed into the namespace (and back); connecting, accepting and I/O work from any thread.
/// </summary>
public sealed partial class NetworkNamespace : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;
    private static readonly BlockingCollection<Action> Switches = StartSwitchThread();

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    public string Path => "/var/run/netns/" + Name;

    /// <summary>Prepended to a command line, runs it inside this namespace (<c>ip netns exec</c> execs, so the pid is the command's).</summary>
    public IReadOnlyList<string> ExecPrefix => ["/usr/sbin/ip", "netns", "exec", Name];

    public static async Task<NetworkNamespace> CreateAsync(string name)
    {
        await RunIpAsync(["netns", "add", name]);
        return new NetworkNamespace(name);
    }

    /// <summary>Runs <c>ip -n NAME -batch -</c> with these commands, one per line (<c>ip</c>'s own syntax without the leading <c>ip</c>).</summary>
    public Task BatchAsync(params string[] commands) => RunIpAsync(["-n", Name, "-batch", "-"], string.Join('\n', commands) + "\n");

    /// <summary>A TCP socket of <paramref name="family"/> that belongs to this namespace.</summary>
    public Socket CreateSocket(AddressFamily family) => Inside(() => new Socket(family, SocketType.Stream, ProtocolType.Tcp));

    /// <summary>Runs <paramref name="action"/> on a thread that is inside this namespace (for socket creation and binding only).</summary>
    public T Inside<T>(Func<T> action)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Switches.Add(() =>
        {
            using var target = File.OpenHandle(Path);
            if (SetNs((int)target.DangerousGetHandle(), CloneNewNet) != 0)
            {
                result.SetException(new InvalidOperationException($"setns({Path}) failed: errno {Marshal.GetLastPInvokeError()}"));
                return;
            }

            try
            {
                result.SetResult(action());
            }
            catch (Exception exception)
            {
                result.SetException(exception);
            }
        });
        return result.Task.GetAwaiter().GetResult();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunIpAsync(["netns", "del", Name]);
        }
        catch (InvalidOperationException)
        {
            // Already gone (removed by a clean-up of an earlier run).
        }
    }

    /// <summary>Names of the namespaces that exist now.</summary>
    public static IReadOnlyList<string> List() =>
        Directory.Exists("/var/run/netns") ? Directory.GetFiles("/var/run/netns").Select(System.IO.Path.GetFileName).OfType<string>().ToList() : [];

    public static async Task DeleteAsync(string name)
    {
        try
        {
            await RunIpAsync(["netns", "del", name]);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task RunIpAsync(string[] arguments, string? input = null)
    {
        var (exit, stdout, stderr) = await ExternalCommand.RunAsync("/usr/sbin/ip", arguments, standardInput: input, timeout: TimeSpan.FromSeconds(30));
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({exit}): {stderr}{stdout}{(input is null ? "" : "\n" + input)}");
        }
    }

    /// <summary>One thread does every switch, each followed by a switch back to the process's own namespace.</summary>
    private static BlockingCollection<Action> StartSwitchThread()
    {
        var work = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            using var home = File.OpenHandle("/proc/thread-self/ns/net");
            foreach (var item in work.GetConsumingEnumerable())
            {
                try
                {
                    item();
                }
                finally
                {
                    if (SetNs((int)home.DangerousGetHandle(), CloneNewNet) != 0)
                    {
                        Environment.FailFast($"setns back to the host network namespace failed: errno {Marshal.GetLastPInvokeError()}");
                    }
                }
            }
        })
        {
            IsBackground = true,
            Name = "netns switches",
        };
        thread.Start();
        return work;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nsType);
}
