using SingleActive.Contract;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Cli;

/// <summary>Parses <c>inject</c>'s arguments; every problem names the flag and the accepted values.</summary>
public static class InjectArguments
{
    public static bool TryParse(IReadOnlyList<string> args, out InjectRequest request, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        var files = new List<string>();
        string? ns = null, image = null, account = null;
        ElectorMode? mode = null;
        SidecarMode? sidecar = null;
        Version? version = null;
        request = new InjectRequest([], null, null, null, null, null, null);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith('-') && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 1)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                return i + 1 < args.Count ? args[++i] : null;
            }

            var value = arg is "-f" or "--filename" or "-n" or "--namespace" or "--image" or "--mode" or "--sidecar" or "--kubernetes-version" or "--service-account"
                ? Value()
                : null;
            if (value is null && arg.StartsWith('-') && arg != "-")
            {
                problem = arg is "-f" or "--filename" or "-n" or "--namespace" or "--image" or "--mode" or "--sidecar" or "--kubernetes-version" or "--service-account"
                    ? $"{arg} needs a value"
                    : $"unknown option \"{arg}\"";
                return false;
            }

            switch (arg)
            {
                case "-f" or "--filename":
                    files.Add(value!);
                    break;
                case "-n" or "--namespace":
                    ns = value;
                    break;
                case "--image":
                    image = value;
                    break;
                case "--service-account":
                    account = value;
                    break;
                case "--mode":
                    if (!ElectorModes.TryParse(value, out var parsedMode))
                    {
                        problem = $"--mode is \"{value}\"; accepted values are {ElectorModes.AcceptedValues}";
                        return false;
                    }

                    mode = parsedMode;
                    break;
                case "--sidecar":
                    if (!Enum.TryParse<SidecarMode>(value, ignoreCase: true, out var parsedSidecar) || !Enum.IsDefined(parsedSidecar) || int.TryParse(value, out _))
                    {
                        problem = $"--sidecar is \"{value}\"; accepted values are auto, native, container";
                        return false;
                    }

                    sidecar = parsedSidecar;
                    break;
                case "--kubernetes-version":
                    // "v1.30.2-gke.100" and "1.29" alike: only major.minor matter here.
                    if (!Version.TryParse(value!.TrimStart('v').Split('-', '+')[0], out version))
                    {
                        problem = $"--kubernetes-version is \"{value}\"; expected a version such as 1.29 or v1.30.2";
                        return false;
                    }

                    break;
                default:
                    problem = $"unexpected argument \"{arg}\"";
                    return false;
            }
        }

        if (files.Count == 0)
        {
            problem = "-f FILE (or -f - for stdin) is required";
            return false;
        }

        if (files.Count(f => f == "-") > 1)
        {
            problem = "stdin (-f -) can be read only once";
            return false;
        }

        problem = null;
        request = new InjectRequest(files, ns, image, mode, sidecar, version, account);
        return true;
    }
}
