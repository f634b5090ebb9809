using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Descent.Cli.Commands;

/// <summary>A flag's value broke a rule; the parser reports <see cref="Exception.Message"/> after the flag's name.</summary>
public sealed class CliValueException(string message) : Exception(message);

public static partial class CliOptions
{
    /// <summary>A number strictly between 0 and 1 (a fraction such as a validation split).</summary>
    public static Option<double> Fraction(string name, string description, double defaultValue) =>
        Custom(name, description, defaultValue, text =>
        {
            double v = Number(text);
            if (!(v > 0 && v < 1)) throw new CliValueException($"must be between 0 and 1 (exclusive); got {text}");
            return v;
        });

    /// <summary>A probability in [0, 1) (a dropout rate: 1 would drop everything).</summary>
    public static Option<float> Probability(string name, string description, float defaultValue) =>
        Custom(name, description, defaultValue, text =>
        {
            double v = Number(text);
            if (!(v >= 0 && v < 1)) throw new CliValueException($"must be at least 0 and below 1; got {text}");
            return (float)v;
        });

    /// <summary>A finite number that must be 0 or more.</summary>
    public static Option<float> NonNegativeFloat(string name, string description, float defaultValue) =>
        Custom(name, description, defaultValue, text =>
        {
            double v = Number(text);
            if (!(v >= 0) || !double.IsFinite(v) || !float.IsFinite((float)v)) throw new CliValueException($"must be a finite number of at least 0; got {text}");
            return (float)v;
        });

    /// <summary>An optional finite number greater than 0 (null when the flag is absent).</summary>
    public static Option<float?> OptionalPositiveFloat(string name, string description) =>
        Custom<float?>(name, description, null, text =>
        {
            double v = Number(text);
            if (!(v > 0) || !float.IsFinite((float)v)) throw new CliValueException($"must be a finite number greater than 0; got {text}");
            return (float)v;
        });

    /// <summary>An optional integer of at least <paramref name="min"/> (null when the flag is absent).</summary>
    public static Option<int?> OptionalInt(string name, string description, int min) =>
        Custom<int?>(name, description, null, text =>
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
                throw new CliValueException($"'{text}' is not a valid integer");
            if (v < min) throw new CliValueException($"must be at least {min}; got {text}");
            return v;
        });

    /// <summary>One of a fixed set of names; anything else lists the valid ones.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, IReadOnlyList<string> choices, string what) =>
        Custom(name, description, defaultValue, text =>
            choices.Contains(text, StringComparer.Ordinal) ? text
                : throw new CliValueException($"unknown {what} '{text}'; one of: {string.Join(", ", choices)}"));

    /// <summary>A path to a file that must exist (a folder is named as one).</summary>
    public static Option<string?> ExistingFile(string name, string description) =>
        Custom<string?>(name, description, null, PathCheck.ExistingFile);

    /// <summary>A path to a folder that must exist.</summary>
    public static Option<string?> ExistingFolder(string name, string description) =>
        Custom<string?>(name, description, null, text =>
            Directory.Exists(text) ? text : throw new CliValueException(File.Exists(text) ? $"{text} is a file; give a folder" : $"folder not found: {text}"));

    /// <summary>A path to be written, checked before any work: not a folder, in an existing folder that accepts a new file.</summary>
    public static Option<string?> OutputFile(string name, string description) =>
        Custom<string?>(name, description, null, PathCheck.File);

    /// <summary>A folder to write into (created when missing), checked before any work: not a file, and writable.</summary>
    public static Option<string?> OutputFolder(string name, string description) =>
        Custom<string?>(name, description, null, PathCheck.Folder);

    /// <summary>
    /// An option whose text <paramref name="parse"/> turns into a value or rejects with a
    /// <see cref="CliValueException"/>, reported as <c>--name: message</c>.
    /// </summary>
    public static Option<T> Custom<T>(string name, string description, T defaultValue, Func<string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new Option<T>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseCustom(name, result, parse, defaultValue),
        };
    }

    private static T ParseCustom<T>(string name, ArgumentResult result, Func<string, T> parse, T fallback)
    {
        if (result.Tokens.Count == 0) return fallback;
        string text = result.Tokens[^1].Value;
        try
        {
            return parse(text);
        }
        catch (CliValueException e)
        {
            result.AddError($"{name}: {e.Message}");
            return fallback;
        }
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !double.IsNaN(v)
            ? v : throw new CliValueException($"'{text}' is not a valid number");
}
