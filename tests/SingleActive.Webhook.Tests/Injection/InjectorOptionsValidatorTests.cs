using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SingleActive.Contract;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Tests.Injection;

public class InjectorOptionsValidatorTests
{
    [Fact]
    public void Check_Defaults_AreValid() => Assert.Empty(InjectorOptionsValidator.Check(new InjectorOptions()));

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Image", "", "Injector:Image must not be empty" },
        { "ImagePullPolicy", "Sometimes", "Injector:ImagePullPolicy is \"Sometimes\"" },
        { "ServiceAccountName", "Elector_SA", "Injector:ServiceAccountName \"Elector_SA\"" },
        { "Port", "0", "Injector:Port is 0" },
        { "Port", "70000", "Injector:Port is 70000" },
        { "LeaseDuration", "forever", "Injector:LeaseDuration is \"forever\"" },
        { "RenewDeadline", "x", "Injector:RenewDeadline is \"x\"" },
        { "RetryPeriod", "0s", "Injector:RetryPeriod is \"0s\"" },
        { "RetryPeriod", "100ms", "retry period (100ms) must be at least 500ms" },
        { "LeaseDuration", "11s", "10s + 1s × 1 + 1s = 12s is not less than 11s" },
        { "ProbePeriodSeconds", "0", "Injector:ProbePeriodSeconds is 0" },
        { "ProbePeriodSeconds", "3601", "Injector:ProbePeriodSeconds is 3601; it must be from 1 to 3600" },
        { "ProbePeriodSeconds", "5", "10s + 5s × 1 + 1s = 16s is not less than 15s" },
        { "CpuRequest", "ten", "Injector:CpuRequest is \"ten\"" },
        { "MemoryLimit", "48 Mi", "Injector:MemoryLimit is \"48 Mi\"" },
        { "MemoryLimit", "24Mi", "Injector:MemoryLimit is 24Mi; it must be at least 32Mi" },
        { "TokenExpirationSeconds", "60", "Injector:TokenExpirationSeconds is 60" },
        { "Command:0", " ", "Injector:Command must not contain empty entries" },
        { "ImagePullSecrets:0", "Reg_Cred", "Injector:ImagePullSecrets has \"Reg_Cred\", which is not a valid Secret name (lowercase DNS subdomain)" },
        { "RunAsUser", "0", "Injector:RunAsUser is 0; it must be a non-root uid" },
        { "RunAsGroup", "-1", "Injector:RunAsGroup is -1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Options_BadSetting_FailsAtStartupNamingIt(string key, string value, string expected)
    {
        using var provider = Services(new() { ["Injector:" + key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InjectorOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_FromConfiguration_AreBound()
    {
        using var provider = Services(new()
        {
            ["Injector:Image"] = "registry.example/sa:2",
            ["Injector:SidecarMode"] = "native",
            ["Injector:Mode"] = "label",
            ["Injector:Command:0"] = "/elector",
            ["Injector:LeaseDuration"] = "30s",
            ["Injector:RenewDeadline"] = "20s",
            ["Injector:Port"] = "9100",
            ["Injector:CpuLimit"] = "50m",
            ["Injector:ImagePullSecrets:0"] = "regcred",
            ["Injector:ImagePullSecrets:1"] = "mirror",
        });

        var options = provider.GetRequiredService<IOptions<InjectorOptions>>().Value;

        Assert.Equal(("registry.example/sa:2", SidecarMode.Native, ElectorMode.Label, 9100, "50m"), (options.Image, options.SidecarMode, options.Mode, options.Port, options.CpuLimit));
        Assert.Equal(["/elector"], options.EffectiveCommand);
        Assert.Equal(["regcred", "mirror"], options.ImagePullSecrets);
        Assert.Equal(new ElectionTimings(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2)), options.Timings);
    }

    [Fact]
    public void AddSingleActiveInjection_RegistersTheDispatcherWithPodAndWorkloadHandlers()
    {
        using var provider = Services([]);

        Assert.IsType<AdmissionDispatcher>(provider.GetRequiredService<IAdmissionHandler>());
        Assert.Contains(provider.GetServices<IResourceHandler>(), h => h is PodAdmissionHandler);
        Assert.Contains(provider.GetServices<IResourceHandler>(), h => h.CanHandle(new GroupVersionKind { Group = "apps", Version = "v1", Kind = "Deployment" }));
        Assert.Equal(new[] { "/usr/local/bin/single-active-elector" }, provider.GetRequiredService<PodInjector>().Options.EffectiveCommand);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IServiceAccountProvisioner>(new RecordingServiceAccountProvisioner());
        services.AddSingleActiveInjection(configuration);
        return services.BuildServiceProvider();
    }
}
