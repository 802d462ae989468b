using System.Runtime.CompilerServices;
using SingleActive.Core.Leases;
using SingleActive.Elector.Leases;

namespace SingleActive.Elector.Tests.Leases;

/// <summary>One elector's connection to an <see cref="InMemoryLeaseServer"/>; <see cref="Fault"/> cuts it.</summary>
public sealed class InMemoryLeaseClient(InMemoryLeaseServer server) : IWatchableLeaseStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<object, CancellationToken> hanging = new();
    private readonly List<ITimer> slowWrites = [];
    private TimeSpan writeLatency;
    private TimeSpan writeAnswerDelay;
    private TimeProvider? writeClock;
    private int abandonedWrites;

    public LeaseFault Fault { get; set; }

    /// <summary>
    /// Some call is stuck in a <see cref="LeaseFault.Hang"/> and none of the stuck calls has been
    /// told to give up yet: the caller is parked on it.
    /// </summary>
    public bool IsParkedInHang => AllParked(hanging.Values);

    /// <summary>
    /// <see cref="IsParkedInHang"/> for the calls made with <paramref name="token"/> alone (<paramref name="with"/>) or
    /// for all the others: the elector and its Lease watcher share this connection, and one parked must not make the
    /// other, busy, look parked too.
    /// </summary>
    public bool IsParkedInHangOf(CancellationToken token, bool with) => AllParked(hanging.Values.Where(t => (t == token) == with));

    public int Writes { get; private set; }

    /// <summary>
    /// The next this many get/create/replace calls hang until their caller gives up, as on a pooled
    /// connection that died silently; later calls (a fresh connection) work.
    /// </summary>
    public int HangNext { get; set; }

    public Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken) =>
        Fault == LeaseFault.None && !TakeHang() ? Task.FromResult(server.Get()) : FaultAsync<LeaseRecord?>(cancellationToken);

    public Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        if (Fault != LeaseFault.None || TakeHang())
        {
            return FaultAsync<LeaseRecord>(cancellationToken);
        }

        Writes++;
        return Task.FromResult(server.Create(record));
    }

    /// <summary>The next write waits for this (counted as parked in a hang meanwhile, unless its caller gives up), then goes through: a slow answer.</summary>
    public TaskCompletionSource? HoldNextWrite { get; set; }

    /// <summary>
    /// The next replace calls (the writes to a Lease that exists: renew, release, handover) fail with these, one each,
    /// before reaching the server (as a refused connection or an error status would); later calls go through.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<Exception> NextReplaceFailures { get; } = new();

    /// <summary>
    /// The next this many replace calls reach the server and are written, but their answer never comes back: they hang
    /// until their caller gives up, as on a connection that died after the request went out.
    /// </summary>
    public int LoseNextAnswers { get; set; }

    /// <summary>
    /// From now on, replace calls that <see cref="NextReplaceFailures"/>, <see cref="LoseNextAnswers"/> and <see cref="HoldNextWrite"/> leave alone take <paramref name="latency"/> of <paramref name="clock"/>'s time on the server: each is applied (or
    /// refused on its resourceVersion) when that has passed, whether or not its caller still waits, as etcd applies a
    /// request it has received (a slow disk slows its writes; its quorum reads, which wait for no disk, stay fast here);
    /// its answer comes back <paramref name="answerDelay"/> after that, while the watch shows the write at once. Applied
    /// within the clock's advance, so a test that settles after each step sees the write and its watch event.
    /// </summary>
    public void SlowWrites(TimeSpan latency, TimeProvider clock, TimeSpan answerDelay = default) =>
        (writeLatency, writeAnswerDelay, writeClock) = (latency, answerDelay, clock);

    /// <summary>Slow writes (<see cref="SlowWrites"/>) whose caller gave up before the answer came.</summary>
    public int AbandonedWrites => Volatile.Read(ref abandonedWrites);

    public Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        if (Fault != LeaseFault.None || TakeHang())
        {
            return FaultAsync<LeaseRecord>(cancellationToken);
        }


        if (NextReplaceFailures.TryDequeue(out var failure))
        {
            return Task.FromException<LeaseRecord>(failure);
        }

        if (LoseNextAnswers > 0)
        {
            LoseNextAnswers--;
            try
            {
                server.Replace(record);
            }
            catch (Exception e)
            {
                return Task.FromException<LeaseRecord>(e); // refused: that answer does come back
            }

            Writes++;
            return FaultAsync<LeaseRecord>(cancellationToken);
        }

        if (HoldNextWrite is { } hold)
        {
            HoldNextWrite = null;
            return HeldAsync(hold, record, cancellationToken);
        }

        if (writeClock is { } clock)
        {
            return SlowAsync(record, clock, cancellationToken);
        }

        Writes++;
        return Task.FromResult(server.Replace(record));
    }

    private async Task<LeaseRecord> SlowAsync(LeaseRecord record, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Parked only once everything the call puts on the clock is scheduled and nothing is left but the wait: a test
        // that settles moves the clock as soon as the call counts as parked, and on a loaded machine the caller's thread
        // may be descheduled anywhere (counted parked before its timers existed, a call had its answer scheduled a second
        // of fake time late, and its attempt timed out). It stops counting as parked the moment its answer is set,
        // before the caller's continuation runs, so a test that settles waits for the caller to handle it.
        var call = new object();
        var answer = new TaskCompletionSource<LeaseRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = false;
        void Answer(Action set)
        {
            lock (call)
            {
                answered = true;
                hanging.TryRemove(call, out _);
            }

            set();
        }

        Later(clock, writeLatency, () =>
        {
            try
            {
                var written = server.Replace(record);
                Writes++;
                Later(clock, writeAnswerDelay, () => Answer(() => answer.TrySetResult(written)));
            }
            catch (Exception e)
            {
                Later(clock, writeAnswerDelay, () => Answer(() => answer.TrySetException(e)));
            }
        });

        var waiting = answer.Task.WaitAsync(cancellationToken);
        lock (call)
        {
            if (!answered)
            {
                hanging[call] = cancellationToken;
            }
        }

        try
        {
            return await waiting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref abandonedWrites);
            throw;
        }
        finally
        {
            hanging.TryRemove(call, out _);
        }
    }

    /// <summary>Runs <paramref name="action"/> within the advance of <paramref name="clock"/> that passes <paramref name="delay"/> (at once when zero).</summary>
    private void Later(TimeProvider clock, TimeSpan delay, Action action)
    {
        if (delay <= TimeSpan.Zero)
        {
            action();
            return;
        }

        lock (slowWrites)
        {
            slowWrites.Add(clock.CreateTimer(_ => action(), null, delay, Timeout.InfiniteTimeSpan));
        }
    }

    private async Task<LeaseRecord> HeldAsync(TaskCompletionSource hold, LeaseRecord record, CancellationToken cancellationToken)
    {
        var call = new object();
        hanging[call] = cancellationToken;
        try
        {
            await hold.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            hanging.TryRemove(call, out _);
        }

        Writes++;
        return server.Replace(record);
    }

    public async IAsyncEnumerable<LeaseRecord?> WatchAsync(string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Fault == LeaseFault.Fail)
        {
            throw new HttpRequestException("connection refused (test)");
        }

        await foreach (var record in server.Watch(resourceVersion, cancellationToken).ConfigureAwait(false))
        {
            if (Fault == LeaseFault.Fail)
            {
                throw new HttpRequestException("connection reset (test)");
            }

            if (Fault == LeaseFault.None)
            {
                yield return record;
            }

            // Hang: the event is lost on the dead connection.
        }
    }

    /// <summary>Some of these calls hang and none has been told to give up.</summary>
    private static bool AllParked(IEnumerable<CancellationToken> calls)
    {
        var tokens = calls.ToList();
        return tokens.Count > 0 && tokens.All(token => !token.IsCancellationRequested);
    }

    private bool TakeHang()
    {
        if (HangNext <= 0)
        {
            return false;
        }

        HangNext--;
        return true;
    }

    private async Task<T> FaultAsync<T>(CancellationToken cancellationToken)
    {
        if (Fault == LeaseFault.Fail)
        {
            throw new HttpRequestException("connection refused (test)");
        }

        var call = new object();
        hanging[call] = cancellationToken;
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException("unreachable");
        }
        finally
        {
            hanging.TryRemove(call, out _);
        }
    }
}
