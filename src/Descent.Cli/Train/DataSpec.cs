using Descent.Cli.Commands;

namespace Descent.Cli.Train;

/// <summary>
/// What <c>--data</c> names: a built-in set (<c>mnist</c>, <c>mnist-idx</c>, <c>iris</c>, <c>moons</c>,
/// <c>spirals</c>, <c>sin</c>) or a CSV file with a header, <c>csv:PATH[:target]</c> (the last column is the
/// target when none is named).
/// </summary>
/// <param name="Name">The set's name; <c>csv</c> for a file.</param>
/// <param name="CsvPath">The CSV file, for <c>csv</c>.</param>
/// <param name="CsvTarget">The CSV target column, or null for the last one.</param>
public sealed record DataSpec(string Name, string? CsvPath = null, string? CsvTarget = null)
{
    /// <summary>The built-in names, as the help and errors list them.</summary>
    public static readonly IReadOnlyList<string> Names = ["mnist", "mnist-idx", "iris", "moons", "spirals", "sin", "csv:PATH[:target]"];

    /// <summary>True for the image sets (MNIST), whose inputs are [1, 28, 28].</summary>
    public bool IsImages => Name is "mnist" or "mnist-idx";

    /// <summary>Parses <c>--data</c>'s text; throws <see cref="CliValueException"/> naming the fault.</summary>
    public static DataSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("csv:", StringComparison.Ordinal))
        {
            string rest = text["csv:".Length..];
            if (rest.Length == 0) throw new CliValueException("csv: give a file, as csv:PATH or csv:PATH:TARGET");
            if (File.Exists(rest)) return new DataSpec("csv", rest);
            int colon = rest.LastIndexOf(':');
            if (colon > 0 && colon < rest.Length - 1 && File.Exists(rest[..colon])) return new DataSpec("csv", rest[..colon], rest[(colon + 1)..]);
            throw new CliValueException($"file not found: {(colon > 0 ? rest[..colon] : rest)}");
        }
        string name = text.Trim().ToLowerInvariant();
        if (Names.Contains(name, StringComparer.Ordinal) && name != "csv:path[:target]") return new DataSpec(name);
        throw new CliValueException($"unknown data set '{text}'; one of: {string.Join(", ", Names)}");
    }

    /// <summary>The text that parses back to this spec.</summary>
    public override string ToString() => Name != "csv" ? Name : CsvTarget == null ? $"csv:{CsvPath}" : $"csv:{CsvPath}:{CsvTarget}";
}
