namespace SingleActive.Contract;

/// <summary>
/// Kubernetes' rule for object names, once for the webhook (Lease and ServiceAccount names), the elector (its Lease
/// name) and the drain-taint keys both read, written out as a loop (no regular expression to compile at start-up).
/// </summary>
public static class KubernetesNames
{
    /// <summary>The longest DNS subdomain (RFC 1123), the limit of most object names.</summary>
    public const int MaxSubdomainLength = 253;

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
