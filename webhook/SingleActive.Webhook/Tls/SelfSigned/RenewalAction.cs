namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>What the certificate writer does with the Secret it found.</summary>
public enum RenewalAction
{
    /// <summary>Everything is current.</summary>
    Keep,

    /// <summary>No usable Secret: a new CA and serving certificate.</summary>
    Create,

    /// <summary>A new serving certificate from the same CA (nearing expiry, or names/issuer no longer right).</summary>
    RenewServing,

    /// <summary>The CA nears expiry: a new CA and serving certificate; the old CA stays trusted until it expires.</summary>
    RotateAuthority,
}
