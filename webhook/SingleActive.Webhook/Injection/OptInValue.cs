namespace SingleActive.Webhook.Injection;

/// <summary>The value of the <c>single-active</c> annotation.</summary>
public enum OptInValue
{
    Absent,
    True,
    False,
    Invalid,
}
