using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Descent.Cli.Problems;

namespace Descent.Cli.Commands;

/// <summary>
/// Typed options that validate their own values, so a bad value becomes a parse error with a one-line
/// message (<c>--seed: 'x' is not a valid integer</c>) before any command runs.
/// </summary>
public static partial class CliOptions
{
    /// <summary>An integer option that must be at least <paramref name="min"/> (and at most <paramref name="max"/>).</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max = int.MaxValue) =>
        Make(name, description, defaultValue, (string text, out int value, out string? rule) =>
        {
            bool ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long wide);
            value = ok && wide >= int.MinValue && wide <= int.MaxValue ? (int)wide : 0;
            rule = Range(text, ok, wide, min, max);
            return ok || rule != null;
        }, "integer");

    /// <summary>A 64-bit integer option from <paramref name="min"/> to <paramref name="max"/> (a count of steps, which may pass 2^31).</summary>
    public static Option<long> Long(string name, string description, long defaultValue, long min, long max) =>
        Make(name, description, defaultValue, (string text, out long value, out string? rule) =>
        {
            bool ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            rule = Range(text, ok, value, min, max);
            return ok || rule != null;
        }, "integer");

    // A whole number past long's range is still a whole number: "must be at most" says more than "not a valid integer".
    private static string? Range(string text, bool parsed, long value, long min, long max)
    {
        if (!parsed)
        {
            string digits = text.TrimStart('-', '+');
            if (digits.Length == 0 || text.Length - digits.Length > 1 || !digits.All(char.IsAsciiDigit)) return null;
            return text.StartsWith('-') ? $"must be at least {min}" : $"must be at most {max}";
        }
        return value < min ? $"must be at least {min}" : value > max ? $"must be at most {max}" : null;
    }

    /// <summary>A seed: a whole number from 0 to 2^64 − 1.</summary>
    public static Option<ulong> Seed(string name, string description, ulong defaultValue) =>
        Make(name, description, defaultValue, (string text, out ulong value, out string? rule) =>
        {
            rule = null;
            if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                rule = "must be 0 or more";
                return true;
            }
            return false;
        }, "non-negative integer");

    /// <summary>A finite number that must be greater than 0.</summary>
    public static Option<float> PositiveFloat(string name, string description, float defaultValue) =>
        Make(name, description, defaultValue, (string text, out float value, out string? rule) =>
        {
            rule = null;
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
            if (!float.IsFinite(value) || value <= 0) rule = "must be a finite number greater than 0";
            return true;
        }, "number");

    /// <summary>
    /// A required option naming one of <see cref="DataChoice.All"/>; anything else is a one-line error that
    /// lists the supported names (<c>--data: unknown data set 'x'; supported: sin</c>).
    /// </summary>
    public static Option<DataChoice> Data(string name, string description) =>
        new(name)
        {
            Description = $"{description} One of: {DataChoice.Supported}.",
            HelpName = string.Join("|", DataChoice.All.Select(c => c.Name)),
            Required = true,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0) return null;
                string text = result.Tokens[^1].Value;
                if (DataChoice.TryParse(text, out var choice)) return choice;
                result.AddError($"{name}: unknown data set '{text}'; supported: {DataChoice.Supported}");
                return null;
            },
        };

    /// <summary>An on/off switch.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    private delegate bool TryParse<T>(string text, out T value, out string? rule);

    private static Option<T> Make<T>(string name, string description, T defaultValue, TryParse<T> parse, string kind) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Parse(name, result, parse, kind, defaultValue),
        };

    private static T Parse<T>(string name, ArgumentResult result, TryParse<T> parse, string kind, T fallback)
    {
        if (result.Tokens.Count == 0) return fallback;
        string text = result.Tokens[^1].Value;
        if (!parse(text, out var value, out var rule))
        {
            result.AddError($"{name}: '{text}' is not a valid {kind}");
            return fallback;
        }
        if (rule != null)
        {
            result.AddError($"{name}: {rule}; got {text}");
            return fallback;
        }
        return value;
    }
}
