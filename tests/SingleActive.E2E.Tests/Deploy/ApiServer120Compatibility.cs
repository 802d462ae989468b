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
            }

            result.Add(o);
        }

        return (result, removed);
    }
}
