using System.CommandLine;
using System.CommandLine.Parsing;

namespace SingleActive.Webhook.Cli;

/// <summary>
/// Options that take one value and, given again, keep the last one, as kubectl's flags do and as <c>inject</c> and
/// <c>certs</c> always did: certs/generate.sh passes its defaults first so that a caller's flags override them.
/// System.CommandLine's own single-value options refuse a repeat instead. Every value is checked, so a bad one is
/// reported even when a later one is good.
/// </summary>
internal static class LastValueOption
{
    /// <summary>Converts one value; false when it is not accepted.</summary>
    public delegate bool Parser<T>(string text, out T value);

    /// <summary>A text option; any value is accepted (empty included, for the options' validation to judge).</summary>
    public static Option<string?> Text(string name, string helpName, string description, params string[] aliases) =>
        Create<string?>(name, helpName, description, aliases, AnyText, _ => "");

    /// <summary>An option whose values are converted by <paramref name="parse"/>; <paramref name="problem"/> words a refused one.</summary>
    public static Option<T> Create<T>(string name, string helpName, string description, string[] aliases, Parser<T> parse, Func<string, string> problem) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => Last(result, parse, problem),
        };

    private static T Last<T>(ArgumentResult result, Parser<T> parse, Func<string, string> problem)
    {
        var value = default(T)!;
        foreach (var token in result.Tokens)
        {
            if (!parse(token.Value, out value))
            {
                result.AddError(problem(token.Value));
                return default!;
            }
        }

        return value;
    }

    private static bool AnyText(string text, out string? value)
    {
        value = text;
        return true;
    }
}
