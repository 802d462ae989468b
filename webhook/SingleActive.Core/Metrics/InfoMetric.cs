using System.Text;

namespace SingleActive.Core.Metrics;

/// <summary>
/// An info metric: one gauge sample of value 1 whose labels carry facts about the process (Prometheus' convention
/// for <c>*_build_info</c> and <c>*_info</c>, as <c>kube_pod_info</c>). Queries join other series to it
/// (<c>* on (namespace, pod) group_left (lease) ...</c>) to gain its labels. Label values are fixed at start-up.
/// </summary>
public sealed class InfoMetric(string name, string help, IReadOnlyList<KeyValuePair<string, string>> labels) : IMetric
{
    public string Name { get; } = name;

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;

    public void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, help, "gauge");
        output.Append(Name).Append('{');
        for (var i = 0; i < Labels.Count; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }

            PrometheusText.WriteLabel(output, Labels[i].Key, Labels[i].Value);
        }

        output.Append("} 1\n");
    }
}
