namespace SingleActive.Webhook.Tls;

public enum LocalCertificateAction
{
    Reused,
    Renewed,
    Created,
}
