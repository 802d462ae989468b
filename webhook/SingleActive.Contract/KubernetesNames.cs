namespace SingleActive.Contract;

/// <summary>
/// Kubernetes' rules for object names, once for the webhook (Lease, ServiceAccount and its own Secret and Service
/// names), the elector (its Lease name) and the drain-taint keys both read, written out as a loop (no regular
/// expression to compile at start-up).
/// </summary>
public static class KubernetesNames
{
    /// <summary>The longest DNS subdomain (RFC 1123), the limit of most object names.</summary>
    public const int MaxSubdomainLength = 253;

    /// <summary>The longest DNS label (RFC 1123), the limit of Namespace and Service names.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>
    /// A lowercase RFC 1123 label of at most 63 characters, as Namespace and Service names must be: <c>a-z</c>,
    /// <c>0-9</c> and <c>-</c>, starting and ending with a letter or digit (apimachinery's <c>IsDNS1123Label</c>).
    /// </summary>
    public static bool IsDnsLabel(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLabelLength && !name.Contains('.', StringComparison.Ordinal) && IsDnsSubdomain(name);

    /// <summary>
    /// A lowercase RFC 1123 subdomain of at most 253 characters, as Lease, ServiceAccount and most other object names
    /// must be: dot-separated labels of <c>a-z</c>, <c>0-9</c> and <c>-</c>, each starting and ending with a letter or
    /// digit (apimachinery's <c>IsDNS1123Subdomain</c>, k8s.io/apimachinery/pkg/util/validation).
    /// </summary>
    public static bool IsDnsSubdomain(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxSubdomainLength)
        {
            return false;
        }

        var labelStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] != '.')
            {
                if (!IsLowerAlphanumeric(name[i]) && name[i] != '-')
                {
                    return false;
                }

                continue;
            }

            // A label ends at a dot or at the end: not empty, a letter or digit at both ends.
            if (i == labelStart || !IsLowerAlphanumeric(name[labelStart]) || !IsLowerAlphanumeric(name[i - 1]))
            {
                return false;
            }

            labelStart = i + 1;
        }

        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);
}
