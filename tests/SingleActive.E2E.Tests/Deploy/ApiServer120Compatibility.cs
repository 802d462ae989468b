using System.Text.Json.Nodes;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// The documented, complete list of what a 1.20 API server cannot check in deploy/ (docs/install.md,
/// "Kubernetes versions"). <see cref="Strip"/> removes exactly these and reports each removal, so a
/// test can prove the rest of every manifest passes the real server and that nothing else was hidden.
/// </summary>
public static class ApiServer120Compatibility
{
    /// <summary>MutatingWebhook.matchConditions: 1.27 alpha, 1.28 beta, 1.30 GA.</summary>
    public const string MatchConditions = "MutatingWebhookConfiguration webhooks[].matchConditions";

    /// <summary>policy/v1 PodDisruptionBudget: 1.21 GA (1.20 serves policy/v1beta1, same fields we use).</summary>
    public const string PdbPolicyV1 = "PodDisruptionBudget apiVersion policy/v1 -> policy/v1beta1";

    /// <summary>PodDisruptionBudget.spec.unhealthyPodEvictionPolicy: 1.26 alpha, 1.27 beta, 1.31 GA.</summary>
    public const string UnhealthyPodEvictionPolicy = "PodDisruptionBudget spec.unhealthyPodEvictionPolicy";

    public static readonly IReadOnlySet<string> Documented = new HashSet<string> { MatchConditions, PdbPolicyV1, UnhealthyPodEvictionPolicy };

    /// <summary>flowcontrol.apiserver.k8s.io/v1: 1.29 GA (1.20 serves v1beta1, the same FlowSchema fields).</summary>
    public const string FlowControlV1 = "FlowSchema, PriorityLevelConfiguration apiVersion flowcontrol.apiserver.k8s.io/v1 -> v1beta1";

    /// <summary>
    /// PriorityLevelConfiguration.spec.limited: <c>assuredConcurrencyShares</c> renamed <c>nominalConcurrencyShares</c> in
    /// v1beta3 (1.26), <c>lendablePercent</c> new in 1.26 (before it no level lent seats: 0).
    /// </summary>
    public const string ConcurrencyShares = "PriorityLevelConfiguration spec.limited.nominalConcurrencyShares -> assuredConcurrencyShares, lendablePercent 0 dropped";

    /// <summary>What 1.20 lacks in deploy/components/priority-and-fairness.</summary>
    public static readonly IReadOnlySet<string> PriorityAndFairness = new HashSet<string> { FlowControlV1, ConcurrencyShares };

    /// <summary>Copies of <paramref name="objects"/> without the fields 1.20 lacks, and which of the documented removals applied.</summary>
    public static (List<JsonObject> Objects, IReadOnlySet<string> Removed) Strip(IEnumerable<JsonObject> objects)
    {
        var removed = new HashSet<string>();
        var result = new List<JsonObject>();
        foreach (var original in objects)
        {
            var o = (JsonObject)original.DeepClone();
            switch ((string?)o["kind"])
            {
                case "MutatingWebhookConfiguration":
                    foreach (var webhook in o["webhooks"]?.AsArray().OfType<JsonObject>() ?? [])
                    {
                        if (webhook.Remove("matchConditions"))
                        {
                            removed.Add(MatchConditions);
                        }
                    }

                    break;
                case "PodDisruptionBudget":
                    if ((string?)o["apiVersion"] == "policy/v1")
                    {
                        o["apiVersion"] = "policy/v1beta1";
                        removed.Add(PdbPolicyV1);
                    }

                    if (o["spec"] is JsonObject spec && spec.Remove("unhealthyPodEvictionPolicy"))
                    {
                        removed.Add(UnhealthyPodEvictionPolicy);
                    }

                    break;
                case "FlowSchema" or "PriorityLevelConfiguration":
                    if ((string?)o["apiVersion"] == "flowcontrol.apiserver.k8s.io/v1")
                    {
                        o["apiVersion"] = "flowcontrol.apiserver.k8s.io/v1beta1";
                        removed.Add(FlowControlV1);
                    }

                    if (o["spec"]?["limited"] is JsonObject limited && limited["nominalConcurrencyShares"] is { } shares)
                    {
                        limited.Remove("nominalConcurrencyShares");
                        limited["assuredConcurrencyShares"] = shares.DeepClone();
                        removed.Add(ConcurrencyShares);
                        if ((int?)limited["lendablePercent"] == 0)
                        {
                            limited.Remove("lendablePercent"); // Any other share lent is left for the server to refuse.
                        }
                    }

                    break;
            }

            result.Add(o);
        }

        return (result, removed);
    }
}
