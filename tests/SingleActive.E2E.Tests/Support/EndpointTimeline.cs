using System.Diagnostics;
using System.Globalization;
using System.Text;
using k8s;
using k8s.Autorest;

namespace SingleActive.E2E.Tests.Support;

/// <summary>
/// Samples a Service's Endpoints every 100 ms (the object <c>kubectl get endpoints</c> shows) and
/// keeps the timeline: the scenarios assert on it and write it out for the benchmarks to reuse. It also
/// watches the object, so every version the endpoints controller wrote is seen (<see cref="Changes"/>),
/// also one that lasted less than a sampling interval: <see cref="MaxReady"/> counts both.
/// </summary>
public sealed class EndpointTimeline : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Samples started every <see cref="Interval"/> but more than this apart mean the API server or the machine
    /// froze (the harness stalled): a timing measured across such a gap is delayed with its measurement and may be
    /// measured again; a slow timing on a timeline without one fails at once.
    /// </summary>
    public static readonly TimeSpan StallEvidence = TimeSpan.FromMilliseconds(500);
    private readonly IKubernetes client;
    private readonly string namespaceName;
    private readonly string service;
    private readonly List<EndpointSample> samples = [];
    private readonly List<EndpointSample> changes = [];
    private readonly List<(TimeSpan At, string Text)> marks = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Task watch;

    private EndpointTimeline(IKubernetes client, string ns, string service)
    {
        this.client = client;
        namespaceName = ns;
        this.service = service;
        loop = SampleAsync();
        this.watch = WatchAsync();
    }

    public static EndpointTimeline Start(IKubernetes client, string ns, string service) => new(client, ns, service);

    public TimeSpan Elapsed => clock.Elapsed;

    public IReadOnlyList<EndpointSample> Samples
    {
        get
        {
            lock (this.samples)
            {
                return [.. this.samples];
            }
        }
    }

    /// <summary>Every version of the Endpoints object seen on a watch, when it was seen.</summary>
    public IReadOnlyList<EndpointSample> Changes
    {
        get
        {
            lock (this.samples)
            {
                return [.. changes];
            }
        }
    }

    /// <summary>Notes an event (e.g. "deleted leader pod x") at the current time, shown in the timeline.</summary>
    public TimeSpan Mark(string text)
    {
        var at = clock.Elapsed;
        lock (this.samples)
        {
            this.marks.Add((at, text));
        }

        return at;
    }

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await loop;
        await this.watch;
    }

    /// <summary>The most ready addresses in any sample or watched version at or after <paramref name="from"/>.</summary>
    public int MaxReady(TimeSpan? from = null) =>
        Samples.Concat(Changes).Where(s => s.At >= (from ?? TimeSpan.Zero)).Select(s => s.Ready).DefaultIfEmpty(0).Max();

    /// <summary>First sample at or after <paramref name="from"/> with exactly <paramref name="ready"/> ready addresses.</summary>
    public EndpointSample? First(int ready, TimeSpan from) => Samples.FirstOrDefault(s => s.At >= from && s.Ready == ready);

    /// <summary>
    /// Waits (up to <paramref name="timeout"/>) for the first sample after <paramref name="from"/> whose single ready
    /// address is not <paramref name="previous"/>: the moment another replica alone serves.
    /// </summary>
    public Task<EndpointSample> NextSingleAddressAsync(string previous, TimeSpan from, TimeSpan timeout) =>
        Eventually.SucceedsAsync(
            () => Task.FromResult(Samples.FirstOrDefault(s => s.At > from && s.Ready == 1 && s.Addresses[0] != previous)
                ?? throw new InvalidOperationException($"no single address other than {previous} yet")),
            timeout,
            $"another single address than {previous}",
            TimeSpan.FromMilliseconds(50));

    /// <summary>As <see cref="NextSingleAddressAsync"/>, but <c>null</c> when it has not happened within <paramref name="timeout"/> (a baseline that never hands over is measured, not failed, here).</summary>
    public async Task<EndpointSample?> NextSingleAddressOrNullAsync(string previous, TimeSpan from, TimeSpan timeout)
    {
        try
        {
            return await NextSingleAddressAsync(previous, from, timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The longest time between the starts of two consecutive samples that overlap [<paramref name="from"/>,
    /// <paramref name="to"/>]: about <see cref="Interval"/> normally; much longer when the API server or the
    /// machine stalled, which delays every sample and every timing taken from them.
    /// </summary>
    public TimeSpan LongestSamplingGap(TimeSpan from, TimeSpan to)
    {
        var samples = Samples;
        var longest = TimeSpan.Zero;
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i].At >= from && samples[i - 1].At <= to)
            {
                longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (samples[i].At - samples[i - 1].At).Ticks));
            }
        }

        return longest;
    }

    /// <summary>The longest stretch of consecutive samples with no ready address.</summary>
    public TimeSpan LongestZeroGap()
    {
        TimeSpan longest = TimeSpan.Zero, start = TimeSpan.Zero;
        var inGap = false;
        EndpointSample? last = null;
        foreach (var sample in Samples)
        {
            if (sample.Ready == 0 && !inGap)
            {
                inGap = true;
                start = sample.At;
            }
            else if (sample.Ready > 0 && inGap)
            {
                inGap = false;
                longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (sample.At - start).Ticks));
            }

            last = sample;
        }

        return inGap && last is not null ? TimeSpan.FromTicks(Math.Max(longest.Ticks, (last.At - start).Ticks)) : longest;
    }

    /// <summary>The timeline as text: one line per sample (ms, ready, not-ready, addresses) and the marks.</summary>
    public string Render(string title)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {title}: endpoints of {namespaceName}/{this.service}, sampled every {Interval.TotalMilliseconds:0} ms");
        text.AppendLine("# t_ms\tready\tnot_ready\taddresses");
        var marks = new Queue<(TimeSpan At, string Text)>(this.marks.OrderBy(m => m.At));
        foreach (var sample in Samples)
        {
            while (marks.Count > 0 && marks.Peek().At <= sample.At)
            {
                var mark = marks.Dequeue();
                text.AppendLine(CultureInfo.InvariantCulture, $"# {mark.At.TotalMilliseconds:0}\tEVENT {mark.Text}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"{sample.At.TotalMilliseconds:0}\t{sample.Ready}\t{sample.NotReady}\t{string.Join(',', sample.Addresses)}");
        }

        foreach (var change in Changes.Where(c => c.Ready > 1))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"# {change.At.TotalMilliseconds:0}\tWATCHED VERSION WITH {change.Ready} READY: {string.Join(',', change.Addresses)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"# max ready: {MaxReady()}; longest zero-ready gap: {LongestZeroGap().TotalMilliseconds:0} ms");
        return text.ToString();
    }

    /// <summary>Writes <see cref="Render"/> to artifacts/e2e/&lt;name&gt;.tsv (for the benchmarks) and returns the path.</summary>
    public string Save(string name, string title)
    {
        Directory.CreateDirectory(RepositoryPaths.E2EArtifacts);
        var path = Path.Combine(RepositoryPaths.E2EArtifacts, name + ".tsv");
        File.WriteAllText(path, Render(title));
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var at = clock.Elapsed;
            EndpointSample sample;
            try
            {
                var endpoints = await this.client.CoreV1.ReadNamespacedEndpointsAsync(this.service, namespaceName);
                var subsets = endpoints.Subsets ?? [];
                var addresses = subsets.SelectMany(s => s.Addresses ?? []).Select(a => a.TargetRef?.Name ?? a.Ip).ToList();
                sample = new EndpointSample(at, addresses.Count, subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0), addresses);
            }
            catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                sample = new EndpointSample(at, 0, 0, []);
            }

            lock (this.samples)
            {
                this.samples.Add(sample);
            }
        }
        while (await WaitAsync(timer));
    }

    private static EndpointSample ToSample(TimeSpan at, k8s.Models.V1Endpoints endpoints)
    {
        var subsets = endpoints.Subsets ?? [];
        var addresses = subsets.SelectMany(s => s.Addresses ?? []).Select(a => a.TargetRef?.Name ?? a.Ip).ToList();
        return new EndpointSample(at, addresses.Count, subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0), addresses);
    }

    /// <summary>List, then watch from that version (again after a watch ends): every version in between is seen.</summary>
    private async Task WatchAsync()
    {
        var selector = "metadata.name=" + this.service;
        string? version = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (version is null)
                {
                    var list = await this.client.CoreV1.ListNamespacedEndpointsAsync(namespaceName, fieldSelector: selector, cancellationToken: stop.Token);
                    version = list.Metadata.ResourceVersion;
                    Record(list.Items.Select(e => ToSample(clock.Elapsed, e)));
                }

                await foreach (var (type, endpoints) in this.client.CoreV1.WatchListNamespacedEndpointsAsync(
                    namespaceName, fieldSelector: selector, resourceVersion: version, timeoutSeconds: 60, cancellationToken: stop.Token))
                {
                    if (type is k8s.WatchEventType.Added or k8s.WatchEventType.Modified)
                    {
                        version = endpoints.Metadata.ResourceVersion;
                        Record([ToSample(clock.Elapsed, endpoints)]);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or IOException or KubernetesException or OperationCanceledException)
            {
                version = null; // e.g. 410 Gone: list again (a version skipped meanwhile is still in the samples)
                await Task.Delay(100, CancellationToken.None);
            }
        }

        void Record(IEnumerable<EndpointSample> seen)
        {
            lock (this.samples)
            {
                changes.AddRange(seen);
            }
        }
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
