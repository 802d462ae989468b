namespace SingleActive.Contract;

/// <summary>One entry of a drain-taint list (see <see cref="DrainTaintList"/>): a node taint key, and the value it must have.</summary>
/// <param name="Key">The taint key, a Kubernetes qualified name (<c>karpenter.sh/disruption</c>).</param>
/// <param name="Value">The taint's value to match exactly; null matches the key with any value (or none).</param>
public sealed record DrainTaint(string Key, string? Value)
{
    /// <summary>Whether a node taint with this key and value (null or empty: none) announces a drain.</summary>
    public bool Matches(string key, string? value) =>
        string.Equals(Key, key, StringComparison.Ordinal) && (Value is null || string.Equals(Value, value ?? "", StringComparison.Ordinal));

    /// <summary><c>key</c> or <c>key=value</c>, as written in the list.</summary>
    public override string ToString() => Value is null ? Key : $"{Key}={Value}";
}
