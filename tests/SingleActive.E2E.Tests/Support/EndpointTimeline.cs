using System.Diagnostics;
using System.Globalization;
using System.Text;
using k8s;
using k8s.Autorest;

namespace SingleActive.E2E.Tests.Support;

/// <summary>
/// Samples a Service's Endpoints every 100 ms (the object <c>kubectl get endpoints</c> shows) and
/// keeps the timeline: the scenarios assert on it and write it out for the benchmarks to reuse.
/// </summary>
public sealed class EndpointTimeline : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly string _service;
    private readonly List<EndpointSample> _samples = [];
    private readonly List<(TimeSpan At, string Text)> _marks = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private EndpointTimeline(IKubernetes client, string ns, string service)
    {
        _client = client;
        _namespace = ns;
        _service = service;
        _loop = SampleAsync();
    }

    public static EndpointTimeline Start(IKubernetes client, string ns, string service) => new(client, ns, service);

    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyList<EndpointSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Notes an event (e.g. "deleted leader pod x") at the current time, shown in the timeline.</summary>
    public TimeSpan Mark(string text)
    {
        var at = _clock.Elapsed;
        lock (_samples)
        {
            _marks.Add((at, text));
        }

        return at;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public int MaxReady(TimeSpan? from = null) => Samples.Where(s => s.At >= (from ?? TimeSpan.Zero)).Select(s => s.Ready).DefaultIfEmpty(0).Max();

    /// <summary>First sample at or after <paramref name="from"/> with exactly <paramref name="ready"/> ready addresses.</summary>
    public EndpointSample? First(int ready, TimeSpan from) => Samples.FirstOrDefault(s => s.At >= from && s.Ready == ready);

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
        text.AppendLine(CultureInfo.InvariantCulture, $"# {title}: endpoints of {_namespace}/{_service}, sampled every {Interval.TotalMilliseconds:0} ms");
        text.AppendLine("# t_ms\tready\tnot_ready\taddresses");
        var marks = new Queue<(TimeSpan At, string Text)>(_marks.OrderBy(m => m.At));
        foreach (var sample in Samples)
        {
            while (marks.Count > 0 && marks.Peek().At <= sample.At)
            {
                var mark = marks.Dequeue();
                text.AppendLine(CultureInfo.InvariantCulture, $"# {mark.At.TotalMilliseconds:0}\tEVENT {mark.Text}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"{sample.At.TotalMilliseconds:0}\t{sample.Ready}\t{sample.NotReady}\t{string.Join(',', sample.Addresses)}");
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
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var at = _clock.Elapsed;
            EndpointSample sample;
            try
            {
                var endpoints = await _client.CoreV1.ReadNamespacedEndpointsAsync(_service, _namespace);
                var subsets = endpoints.Subsets ?? [];
                var addresses = subsets.SelectMany(s => s.Addresses ?? []).Select(a => a.TargetRef?.Name ?? a.Ip).ToList();
                sample = new EndpointSample(at, addresses.Count, subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0), addresses);
            }
            catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                sample = new EndpointSample(at, 0, 0, []);
            }

            lock (_samples)
            {
                _samples.Add(sample);
            }
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
