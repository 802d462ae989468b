using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class SelfSignedOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var options = new SelfSignedOptions { SecretName = "single-active-webhook-tls", Namespace = "single-active-system", Identity = "pod-a" };

        Assert.True(new SelfSignedOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("SecretName", "", "--self-signed-secret (SelfSigned:SecretName) is required")]
    [InlineData("SecretName", "Bad_Name", "--self-signed-secret (SelfSigned:SecretName) \"Bad_Name\" is not a valid Kubernetes name")]
    [InlineData("Namespace", "", "--namespace (SelfSigned:Namespace, default env POD_NAMESPACE) is required")]
    [InlineData("Service", "a.b", "--service (SelfSigned:Service) \"a.b\" is not a valid Kubernetes name (DNS-1123 label)")]
    [InlineData("WebhookConfiguration", "", "--webhook-config (SelfSigned:WebhookConfiguration) is required")]
    [InlineData("LeaseDuration", "00:00:05", "SelfSigned:LeaseDuration (00:00:05) must be at least 3 x SelfSigned:PollInterval (00:00:10)")]
    [InlineData("CertificateValidity", "00:00:30", "SelfSigned:CertificateValidity (00:00:30) is too short")]
    [InlineData("CertificateValidity", "3650.00:00:00", "SelfSigned:CertificateValidity (3650.00:00:00) must not exceed SelfSigned:CaValidity")]
    [InlineData("PollInterval", "00:00:00.010", "SelfSigned:PollInterval must be between 100ms and 5m")]
    public void Validate_BadSetting_MessageNamesIt(string setting, string value, string expected)
    {
        var options = new SelfSignedOptions { SecretName = "single-active-webhook-tls", Namespace = "single-active-system", Identity = "pod-a" };
        switch (setting)
        {
            case "SecretName": options.SecretName = value; break;
            case "Namespace": options.Namespace = value; break;
            case "Service": options.Service = value; break;
            case "WebhookConfiguration": options.WebhookConfiguration = value; break;
            case "LeaseDuration": options.LeaseDuration = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "CertificateValidity": options.CertificateValidity = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "PollInterval": options.PollInterval = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
        }

        var result = new SelfSignedOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
