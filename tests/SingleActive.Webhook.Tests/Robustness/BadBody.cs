namespace SingleActive.Webhook.Tests.Robustness;

/// <summary>One generated request: what kind of damage it carries, its bytes and content type.</summary>
public sealed record BadBody(int Index, string Category, byte[] Bytes, string? ContentType)
{
    /// <summary>A printable start of the body, for failure messages (the index and seed reproduce all of it).</summary>
    public string Preview => System.Text.Encoding.UTF8.GetString(Bytes, 0, Math.Min(Bytes.Length, 160)).ReplaceLineEndings(" ");
}
