using System.Net;
using SingleActive.Contract;

namespace SingleActive.Bench.LeaderElectorBaseline;

/// <summary>The elector env contract (ElectorEnv), parsed without the extras the real elector adds.</summary>
internal sealed record BaselineSettings(string Identity, string Namespace, string LeaseName, ElectionTimings Timings, IPAddress Bind, int Port, IReadOnlyList<string> Errors)
{
    public static BaselineSettings FromEnvironment()
    {
        var errors = new List<string>();
        string Required(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(value))
            {
                errors.Add($"{name} is required");
            }

            return value ?? "";
        }

        TimeSpan Timing(string name, TimeSpan fallback)
        {
            var text = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(text))
            {
                return fallback;
            }

            if (!Duration.TryParse(text, out var value))
            {
                errors.Add($"{name}={text} is not a duration");
            }

            return value;
        }

        var identity = Required(ElectorEnv.PodName);
        var ns = Required(ElectorEnv.PodNamespace);
        var lease = Required(ElectorEnv.LeaseName);
        var timings = new ElectionTimings(
            Timing(ElectorEnv.LeaseDuration, ElectionTimings.Default.LeaseDuration),
            Timing(ElectorEnv.RenewDeadline, ElectionTimings.Default.RenewDeadline),
            Timing(ElectorEnv.RetryPeriod, ElectionTimings.Default.RetryPeriod));
        var port = int.TryParse(Environment.GetEnvironmentVariable(ElectorEnv.Port), out var p) ? p : ElectorHttp.DefaultPort;
        var bind = IPAddress.TryParse(Environment.GetEnvironmentVariable(ElectorEnv.Bind), out var b) ? b : IPAddress.Any;
        return new BaselineSettings(identity, ns, lease, timings, bind, port, errors);
    }
}
