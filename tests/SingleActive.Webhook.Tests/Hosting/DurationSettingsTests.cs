using System.Reflection;
using Microsoft.Extensions.Configuration;
using SingleActive.Webhook.Hosting;
using SingleActive.Webhook.KubernetesApi;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Serving;
using SingleActive.Webhook.Tls;
using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Hosting;

/// <summary>The server's time settings take the durations the rest of the product writes, and a bad one names its flag.</summary>
public sealed class DurationSettingsTests
{
    [Theory]
    [InlineData("25s", "00:00:25")]
    [InlineData("1m30s", "00:01:30")]
    [InlineData("1500ms", "00:00:01.5000000")]
    [InlineData("0", "00:00:00")]
    [InlineData(" 0.0 ", "00:00:00")]
    [InlineData("43800h", "1825.00:00:00")]
    [InlineData("00:00:25", "00:00:25")]
    [InlineData("1.00:00:00", "1.00:00:00")]
    public void Normalize_AnyDurationForm_TheBindersForm(string text, string expected)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Server:ShutdownTimeout"] = text });

        DurationSettings.Normalize(configuration);

        Assert.Equal(expected, configuration["Server:ShutdownTimeout"]);
        Assert.Equal(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), configuration.GetSection("Server").Get<ServerOptions>()!.ShutdownTimeout);
    }

    [Theory]
    [InlineData("Server:ShutdownDelay", "5x", "--shutdown-delay (Server:ShutdownDelay) is \"5x\": expected a duration such as 25s, 1m30s or 2h")]
    [InlineData("Provisioning:CacheTtl", "soon", "--Provisioning:CacheTtl is \"soon\"")]
    [InlineData("Server:ShutdownTimeout", "nan", "--shutdown-timeout (Server:ShutdownTimeout) is \"nan\": expected a duration")]
    [InlineData("SelfSigned:CaValidity", "1825", "--SelfSigned:CaValidity is \"1825\", a number without a unit: write 1825s for seconds or 1825.00:00:00 for days")]
    [InlineData("Server:ShutdownTimeout", "25", "--shutdown-timeout (Server:ShutdownTimeout) is \"25\", a number without a unit: write 25s")]
    [InlineData("Tls:ReloadInterval", "-00:00:01", "--cert-reload-interval (Tls:ReloadInterval) is \"-00:00:01\"")]
    public void Normalize_NoDuration_FailsNamingTheFlag(string key, string text, string expected)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = text });

        var e = Assert.Throws<InvalidOperationException>(() => DurationSettings.Normalize(configuration));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_EveryTimeSettingOfTheServersOptions()
    {
        var sections = new (string Section, Type Options)[]
        {
            (ServerOptions.SectionName, typeof(ServerOptions)), (TlsOptions.SectionName, typeof(TlsOptions)),
            (ClusterOptions.SectionName, typeof(ClusterOptions)), (ProvisioningOptions.SectionName, typeof(ProvisioningOptions)),
            (SelfSignedOptions.SectionName, typeof(SelfSignedOptions)),
        };

        var settings = sections.SelectMany(s => s.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(TimeSpan) && p.CanWrite).Select(p => $"{s.Section}:{p.Name}"));

        Assert.Equal(settings.Order(StringComparer.Ordinal), DurationSettings.Keys.Order(StringComparer.Ordinal));
    }
}
