using System.Text.Json.Nodes;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// Where <c>/mutate</c> and <c>inject -f</c> legitimately differ on the same input, each stated with its reason, so that
/// <see cref="MutateInjectAgreementTests"/> can require agreement on everything else.
/// </summary>
public static class PathDifferences
{
    /// <summary>
    /// inject -f has no operation and no dry run: it reads manifests to be created. So it is compared with /mutate's
    /// answer to the same review as a CREATE without dry run. A Pod UPDATE: /mutate injects only at creation (a pod's
    /// containers are immutable). A workload UPDATE: /mutate keeps what cannot change any more (a StatefulSet's
    /// podManagementPolicy) and says so. A dry run: /mutate creates nothing, so it keeps the pod's own account while
    /// the dedicated one does not exist yet.
    /// </summary>
    public static JsonNode AsInjectReadsIt(JsonNode review, out IReadOnlyList<string> stated)
    {
        ArgumentNullException.ThrowIfNull(review);
        var copy = review.DeepClone();
        var request = copy["request"]!;
        var differences = new List<string>();
        if ((string?)request["operation"] != "CREATE")
        {
            differences.Add($"operation {(string?)request["operation"]}: inject -f treats every document as a creation");
            request["operation"] = "CREATE";
            request["oldObject"] = null;
        }

        if ((bool?)request["dryRun"] == true)
        {
            differences.Add("dry run: inject -f has none (it writes manifests, the user applies them)");
            request["dryRun"] = false;
        }

        stated = differences;
        return copy;
    }

    /// <summary>
    /// A Deployment or StatefulSet: /mutate changes the workload only (its pods are injected when they are created, by
    /// the pod webhook); inject -f also injects the pod template, since no webhook sees those pods.
    /// </summary>
    public static bool InjectsTemplate(JsonNode review) =>
        review["request"]!["kind"] is { } kind && (string?)kind["group"] == "apps" && (string?)kind["kind"] is "Deployment" or "StatefulSet";

    /// <summary>
    /// /mutate asks for the elector's ServiceAccount and RoleBindings through the API (its provisioner); inject -f prints
    /// them as manifests before the object: a ServiceAccount for an account it creates, RoleBindings naming the account.
    /// </summary>
    public static IReadOnlyList<string> RbacSubjects(IReadOnlyList<JsonNode> rbacDocuments) =>
        [.. rbacDocuments.SelectMany(d => d["subjects"]?.AsArray() ?? [])
            .Select(s => $"{(string?)s!["namespace"]}/{(string?)s["name"]}").Distinct().Order(StringComparer.Ordinal)];
}
