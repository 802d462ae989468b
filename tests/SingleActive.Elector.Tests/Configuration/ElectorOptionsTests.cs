using System.Net;
using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Configuration;

namespace SingleActive.Elector.Tests.Configuration;

public sealed class ElectorOptionsTests
{
    private static readonly Dictionary<string, string> Valid = new()
    {
        [ElectorEnv.PodName] = "web-7d9c-abcde",
        [ElectorEnv.PodNamespace] = "shop",
        [ElectorEnv.LeaseName] = "web",
    };

    [Fact]
    public void Parse_MinimalEnvironment_UsesTheContractDefaults()
    {
        var options = Parse(Valid, out var errors);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal("web-7d9c-abcde", options.Identity);
        Assert.Equal("shop", options.Namespace);
        Assert.Equal("web", options.LeaseName);
        Assert.Equal(ElectionTimings.Default, options.Timings);
        Assert.Equal(ElectorHttp.DefaultPort, options.Port);
        Assert.Equal(IPAddress.IPv6Any, options.Bind);
        Assert.Null(options.AppHealthUrl);
        Assert.Equal(3, options.AppHealthFailureThreshold);
        Assert.Equal(ElectorMode.Readiness, options.Mode);
        Assert.Equal(LogLevel.Information, options.LogLevel);
    }

    [Fact]
    public void Parse_EverySetting_IsRead()
    {
        var options = Parse(
            With(
                (ElectorEnv.LeaseDuration, "4s"),
                (ElectorEnv.RenewDeadline, "1500ms"),
                (ElectorEnv.RetryPeriod, "500ms"),
                (ElectorEnv.Port, "18099"),
                (ElectorEnv.Bind, "127.0.0.1"),
                (ElectorEnv.AppHealthUrl, "http://127.0.0.1:8080/ready"),
                (ElectorEnv.AppHealthFailureThreshold, "5"),
                (ElectorEnv.Mode, "Label"),
                (ElectorEnv.PodUid, "0b7c-uid"),
                (ElectorOptions.LogLevelVariable, "debug")),
            out var errors);

        Assert.Empty(errors);
        Assert.Equal(new ElectionTimings(TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(500)), options!.Timings);
        Assert.Equal(18099, options.Port);
        Assert.Equal(IPAddress.Loopback, options.Bind);
        Assert.Equal(new Uri("http://127.0.0.1:8080/ready"), options.AppHealthUrl);
        Assert.Equal(5, options.AppHealthFailureThreshold);
        Assert.Equal(ElectorMode.Label, options.Mode);
        Assert.Equal("0b7c-uid", options.PodUid);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.AppHealthInterval);
    }

    [Theory]
    [InlineData(ElectorEnv.PodName, "", "POD_NAME is not set")]
    [InlineData(ElectorEnv.LeaseName, " ", "SINGLE_ACTIVE_LEASE_NAME is not set")]
    [InlineData(ElectorEnv.LeaseName, "Web_App", "SINGLE_ACTIVE_LEASE_NAME 'Web_App' is not a valid Lease name")]
    [InlineData(ElectorEnv.LeaseDuration, "soon", "SINGLE_ACTIVE_LEASE_DURATION 'soon' is not a duration")]
    [InlineData(ElectorEnv.RenewDeadline, "-1s", "SINGLE_ACTIVE_RENEW_DEADLINE '-1s' is not a duration")]
    [InlineData(ElectorEnv.Port, "80a", "SINGLE_ACTIVE_PORT '80a' is not a TCP port")]
    [InlineData(ElectorEnv.Port, "70000", "SINGLE_ACTIVE_PORT '70000' is not a TCP port")]
    [InlineData(ElectorEnv.Bind, "localhost", "SINGLE_ACTIVE_BIND 'localhost' is not an IP address")]
    [InlineData(ElectorEnv.AppHealthUrl, "/ready", "SINGLE_ACTIVE_APP_HEALTH_URL '/ready' is not an absolute http(s) URL")]
    [InlineData(ElectorEnv.AppHealthFailureThreshold, "0", "SINGLE_ACTIVE_APP_HEALTH_FAILURE_THRESHOLD '0' must be a whole number of at least 1")]
    [InlineData(ElectorEnv.Mode, "active", "SINGLE_ACTIVE_MODE 'active' must be 'readiness' or 'label'")]
    [InlineData(ElectorEnv.AppProbe, "{\"type\":\"exec\",\"port\":1}", "SINGLE_ACTIVE_APP_PROBE is not an app probe (type 'exec' is not tcp, http or https)")]
    [InlineData(ElectorOptions.LogLevelVariable, "loud", "SINGLE_ACTIVE_LOG_LEVEL 'loud' must be debug, info, warn or error")]
    public void Parse_InvalidSetting_RefusesWithAMessageNamingIt(string variable, string value, string expected)
    {
        var options = Parse(With((variable, value)), out var errors);

        Assert.Null(options);
        var error = Assert.Single(errors);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10s", "10s", "2s", "lease duration (10s) must be greater than the renew deadline (10s)")]
    [InlineData("15s", "2s", "2s", "renew deadline (2s) must be greater than 1.2 × retry period (2s)")]
    [InlineData("12s", "10s", "2s", "unsafe timings: renew deadline + probe period × failure threshold + probe timeout must be less than lease duration, but 10s + 1s × 1 + 1s = 12s is not less than 12s")]
    [InlineData("4500ms", "2s", "500ms", "lease duration (4500ms) must be a whole number of seconds")]
    [InlineData("15s", "10s", "100ms", "retry period (100ms) must be at least 500ms")]
    public void Parse_InconsistentTimings_RefusesWithTheRuleAndTheVariables(string lease, string renew, string retry, string expected)
    {
        var options = Parse(With((ElectorEnv.LeaseDuration, lease), (ElectorEnv.RenewDeadline, renew), (ElectorEnv.RetryPeriod, retry)), out var errors);

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith("SINGLE_ACTIVE_LEASE_DURATION/SINGLE_ACTIVE_RENEW_DEADLINE/SINGLE_ACTIVE_RETRY_PERIOD: " + expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ProbePeriod_IsTheProbeTheTimingsAreCheckedAgainst()
    {
        var options = Parse(With((ElectorEnv.ProbePeriod, "3s")), out var errors);

        Assert.Empty(errors);
        Assert.Equal(ReadinessProbeTimings.Default with { PeriodSeconds = 3 }, options!.Probe);
        Assert.Equal(ReadinessProbeTimings.Default, Parse(Valid, out _)!.Probe);

        // 10 s + 5 s × 1 + 1 s = 16 s: a leader cut off from the API server could be Ready past the 15 s lease.
        Assert.Null(Parse(With((ElectorEnv.ProbePeriod, "5s")), out errors));
        Assert.StartsWith(
            "SINGLE_ACTIVE_LEASE_DURATION/SINGLE_ACTIVE_RENEW_DEADLINE/SINGLE_ACTIVE_RETRY_PERIOD/SINGLE_ACTIVE_PROBE_PERIOD: unsafe timings: renew deadline + probe period × failure threshold + probe timeout must be less than lease duration, but 10s + 5s × 1 + 1s = 16s",
            Assert.Single(errors),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1500ms")]
    [InlineData("2h")]
    [InlineData("soon")]
    public void Parse_ProbePeriodNotWholeSecondsUpToAnHour_RefusesNamingIt(string value)
    {
        Assert.Null(Parse(With((ElectorEnv.ProbePeriod, value)), out var errors));

        Assert.Equal($"SINGLE_ACTIVE_PROBE_PERIOD '{value}' must be whole seconds from 1s to 3600s (the periodSeconds of the elector's readinessProbe)", Assert.Single(errors));
    }

    [Fact]
    public void Parse_E2eTimings_SatisfyTheSafetyBound()
    {
        // The real-apiserver tests run with these: 2 s + 1 s × 1 + 1 s = 4 s is not < 4 s, so they use 5 s.
        var options = Parse(With((ElectorEnv.LeaseDuration, "5s"), (ElectorEnv.RenewDeadline, "2s"), (ElectorEnv.RetryPeriod, "500ms")), out var errors);

        Assert.Empty(errors);
        Assert.NotNull(options);
    }

    [Fact]
    public void Parse_NothingSet_ReportsEveryMissingSettingAtOnce()
    {
        var options = ElectorOptions.Parse(_ => null, out var errors, namespaceFile: "/nonexistent/namespace");

        Assert.Null(options);
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("POD_NAME", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("POD_NAMESPACE is not set and /nonexistent/namespace does not exist", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SINGLE_ACTIVE_LEASE_NAME", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NoPodNamespace_FallsBackToTheServiceAccountNamespaceFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "team-a\n");
            var env = new Dictionary<string, string>(Valid);
            env.Remove(ElectorEnv.PodNamespace);

            var options = ElectorOptions.Parse(name => env.GetValueOrDefault(name), out var errors, file);

            Assert.Empty(errors);
            Assert.Equal("team-a", options!.Namespace);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Dictionary<string, string> With(params (string Name, string Value)[] settings)
    {
        var env = new Dictionary<string, string>(Valid);
        foreach (var (name, value) in settings)
        {
            env[name] = value;
        }

        return env;
    }

    private static ElectorOptions? Parse(Dictionary<string, string> env, out IReadOnlyList<string> errors) =>
        ElectorOptions.Parse(name => env.GetValueOrDefault(name), out errors, namespaceFile: "/nonexistent/namespace");
}
