using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Status;
using SingleActive.Kubectl.Workloads;

namespace SingleActive.Kubectl.Controls;

/// <summary>
/// <c>handover</c>, <c>pause</c> and <c>resume</c>: write the operator's annotation on the workload's Lease (a JSON
/// merge patch of that one annotation, so nothing else on the Lease is touched and no resourceVersion is needed), then
/// watch for the electors' answer: the <c>single-active.io/last-handover</c> record, or the leader's Event.
/// </summary>
public sealed class LeaseControl(IKubernetes client, TimeProvider time)
{
    /// <summary>How often the Lease (or the Events) are read while waiting: an answer comes within milliseconds.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public async Task<ControlResult> HandoverAsync(SingleActiveWorkload workload, string? to, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var lease = await RequireLeaseAsync(workload, cancellationToken).ConfigureAwait(false);
        var before = HandoverRecord.Parse(Annotation(lease, Annotations.LastHandover));
        var requested = string.IsNullOrEmpty(to) ? Annotations.AnyHolder : to;
        var started = time.GetTimestamp();
        await AnnotateAsync(workload, Annotations.PreferredHolder, requested, cancellationToken).ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, time, linked.Token).ConfigureAwait(false);
                var current = await StatusReader.ReadLeaseAsync(client, workload, linked.Token).ConfigureAwait(false);
                if (HandoverAnswer.Of(before, requested, current) is { } answer)
                {
                    return answer.ToResult(workload, time.GetElapsedTime(started));
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ControlResult.Failed(
                $"{workload.Reference}: no answer to the handover request within {Format(timeout)}; the request stays on Lease {workload.Namespace}/{workload.LeaseName} " +
                $"for the leader to answer. Is a leader running? (kubectl single-active status {workload.Reference} -n {workload.Namespace}; " +
                $"withdraw it: kubectl single-active handover {workload.Reference} -n {workload.Namespace} --cancel)");
        }
    }

    /// <summary>
    /// Withdraws a handover request no leader has answered yet (the <c>single-active.io/preferred-holder</c> annotation),
    /// so it cannot move the leadership later, when nobody expects it. A request already being carried out (the Lease
    /// released to its target) is past withdrawing: the last handover record says how it ended.
    /// </summary>
    public async Task<ControlResult> CancelHandoverAsync(SingleActiveWorkload workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var lease = await RequireLeaseAsync(workload, cancellationToken).ConfigureAwait(false);
        if (Annotation(lease, Annotations.PreferredHolder) is not { Length: > 0 } pending)
        {
            return ControlResult.Done($"{workload.Reference}: no handover request is pending on Lease {workload.Namespace}/{workload.LeaseName}");
        }

        if (HandoverRecord.Parse(Annotation(lease, Annotations.LastHandover)) is { Outcome: HandoverOutcome.InProgress } last && string.IsNullOrEmpty(lease.Spec?.HolderIdentity))
        {
            // The leader released the Lease to the target: removing the annotation now would let any standby take it.
            return ControlResult.Failed(
                $"{workload.Reference}: the handover to {last.Target} is being carried out (Lease {workload.Namespace}/{workload.LeaseName} was released to it) and cannot be withdrawn; " +
                $"its outcome follows within the handover window (kubectl single-active status {workload.Reference} -n {workload.Namespace})");
        }

        // At the resourceVersion read: a leader answering the request meanwhile makes this a conflict, not a clobber.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = lease.Metadata?.ResourceVersion,
                ["annotations"] = new JsonObject { [Annotations.PreferredHolder] = null },
            },
        };
        try
        {
            await client.CoordinationV1.PatchNamespacedLeaseAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), workload.LeaseName, workload.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return ControlResult.Failed($"{workload.Reference}: Lease {workload.Namespace}/{workload.LeaseName} changed meanwhile (a leader may be answering the request); run the command again");
        }

        return ControlResult.Done($"{workload.Reference}: withdrew the handover request ({(pending == Annotations.AnyHolder ? "any standby" : "to " + pending)}) from Lease {workload.Namespace}/{workload.LeaseName}");
    }

    public async Task<ControlResult> PauseAsync(SingleActiveWorkload workload, bool pause, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var lease = await RequireLeaseAsync(workload, cancellationToken).ConfigureAwait(false);
        var holder = string.IsNullOrEmpty(lease.Spec?.HolderIdentity) ? null : lease.Spec.HolderIdentity;
        var reason = pause ? "FailoverPaused" : "FailoverResumed";
        var seen = await EventNamesAsync(workload.Namespace, reason, cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        await AnnotateAsync(workload, Annotations.Paused, pause ? FailoverPause.Value : null, cancellationToken).ConfigureAwait(false);
        var what = pause
            ? $"{workload.Reference} paused: no replica but {holder ?? "the last holder"} takes Lease {workload.Namespace}/{workload.LeaseName}, not even when it stops, until resumed"
            : $"{workload.Reference} resumed: standbys take over again when the leader stops";
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, time, linked.Token).ConfigureAwait(false);
                var events = await client.CoreV1.ListNamespacedEventAsync(workload.Namespace, fieldSelector: "reason=" + reason, cancellationToken: linked.Token).ConfigureAwait(false);
                if (events.Items.FirstOrDefault(e => !seen.Contains(e.Metadata.Name) && (holder is null || e.InvolvedObject?.Name == holder)) is { } ack)
                {
                    return ControlResult.Done($"{what} (acknowledged by {ack.InvolvedObject?.Name} after {Format(time.GetElapsedTime(started))})");
                }

                // Resumed with the leader gone (released, or its node lost: it cannot acknowledge): a standby taking over is the answer.
                if (!pause && (await StatusReader.ReadLeaseAsync(client, workload, linked.Token).ConfigureAwait(false))?.Spec?.HolderIdentity is { Length: > 0 } taker && taker != holder)
                {
                    return ControlResult.Done($"{what}; {taker} took the Lease after {Format(time.GetElapsedTime(started))}");
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ControlResult.Done($"{what} (no leader acknowledged it within {Format(timeout)}: {(holder is null ? "nobody holds the Lease" : $"is {holder} running?")})");
        }
    }

    internal static string Format(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s";

    private static string? Annotation(V1Lease lease, string key) =>
        lease.Metadata?.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    private async Task<V1Lease> RequireLeaseAsync(SingleActiveWorkload workload, CancellationToken cancellationToken) =>
        await StatusReader.ReadLeaseAsync(client, workload, cancellationToken).ConfigureAwait(false)
        ?? throw new WorkloadNotFoundException($"{workload.Reference} has no Lease {workload.Namespace}/{workload.LeaseName} yet: none of its electors has run (are its pods injected and running?)");

    /// <summary>Sets (or, with null, removes) one annotation of the Lease.</summary>
    private async Task AnnotateAsync(SingleActiveWorkload workload, string key, string? value, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } };
        await client.CoordinationV1.PatchNamespacedLeaseAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), workload.LeaseName, workload.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task<HashSet<string>> EventNamesAsync(string @namespace, string reason, CancellationToken cancellationToken)
    {
        var events = await client.CoreV1.ListNamespacedEventAsync(@namespace, fieldSelector: "reason=" + reason, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. events.Items.Select(e => e.Metadata.Name)];
    }
}
