using Descent.Cli.Commands;
using Descent.Training;

namespace Descent.Cli.Train;

/// <summary>
/// What <c>--data</c> names: a built-in set (<c>mnist</c>, <c>mnist-idx</c>, <c>fashion-mnist</c>, <c>iris</c>, <c>moons</c>,
/// <c>spirals</c>, <c>sin</c>) or a CSV file with a header, <c>csv:PATH[:target]</c> (the last column is the
/// target when none is named; the header holds no numbers, a line at most <see cref="Descent.Data.CsvReader.MaxLineChars"/>
/// characters and <see cref="Descent.Data.CsvReader.MaxFields"/> fields, the file at most <see cref="Descent.Data.Csv.MaxValues"/> values).
/// </summary>
/// <param name="Name">The set's name; <c>csv</c> for a file.</param>
/// <param name="CsvPath">The CSV file, for <c>csv</c>.</param>
/// <param name="CsvTarget">The CSV target column, or null for the last one.</param>
public sealed record DataSpec(string Name, string? CsvPath = null, string? CsvTarget = null)
{
    /// <summary>The built-in names, as the help and errors list them.</summary>
    public static readonly IReadOnlyList<string> Names = ["mnist", "mnist-idx", "fashion-mnist", "iris", "moons", "spirals", "sin", "csv:PATH[:target]"];

    /// <summary>The image sets, whose inputs are [1, 28, 28].</summary>
    public static readonly IReadOnlyList<string> Images = ["mnist", "mnist-idx", "fashion-mnist"];

    /// <summary>The rules a CSV file meets, as the help states them where <c>--data</c> is described.</summary>
    public static readonly string CsvRules = string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"a CSV starts with a header row without numbers; a line holds at most {Descent.Data.CsvReader.MaxLineChars} characters and {Descent.Data.CsvReader.MaxFields} fields, a file at most {Descent.Data.Csv.MaxValues} values");

    /// <summary>The built-in sets: the only data a model file may name for <c>descent eval</c> to load by itself.</summary>
    public static readonly IReadOnlyList<string> BuiltIn = ModelInfo.BuiltInData;

    /// <summary>The longest CSV label a model file may carry (<see cref="ModelRecord"/>).</summary>
    public const int MaxRecordLength = ModelInfo.MaxDataLength;

    /// <summary>True for the image sets (MNIST, Fashion-MNIST), whose inputs are [1, 28, 28].</summary>
    public bool IsImages => Images.Contains(Name);

    /// <summary>True for the sets split by the results protocol (<see cref="RecipeData"/>): training, validation and a test part evaluated once after training.</summary>
    public bool HasTestPart => IsImages;

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
        if (BuiltIn.Contains(name, StringComparer.Ordinal)) return new DataSpec(name);
        throw new CliValueException($"unknown data set '{text}'; one of: {string.Join(", ", Names)}");
    }

    /// <summary>
    /// What a saved model records as its training data: a built-in name, or <c>csv:NAME[:target]</c> with the file's
    /// name only. It labels the model and tells eval whether <c>--data</c> is the training data; it is never a path
    /// to open, since a model file is data and must not choose what the tool reads.
    /// </summary>
    public string ModelRecord => Name != "csv" ? Name : Truncate(CsvTarget == null ? $"csv:{Path.GetFileName(CsvPath)}" : $"csv:{Path.GetFileName(CsvPath)}:{CsvTarget}");

    /// <summary>
    /// The data <c>descent eval</c> uses when no <c>--data</c> is given: the built-in set the model records. A
    /// model trained on a CSV file throws <see cref="CliUsageException"/> asking for <c>--data</c>.
    /// </summary>
    public static DataSpec ForModel(string record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (BuiltIn.Contains(record, StringComparer.Ordinal)) return new DataSpec(record);
        throw new CliUsageException($"the model was trained on {record}; a model file never names a file to read, so pass the data with --data csv:PATH");
    }

    // A file name may hold line breaks on Unix; the record stays one printable line that the reader accepts.
    private static string Truncate(string record)
    {
        var chars = record.Select(c => char.IsControl(c) ? '?' : c).ToArray();
        return new string(chars, 0, Math.Min(chars.Length, MaxRecordLength));
    }

    /// <summary>The text that parses back to this spec.</summary>
    public override string ToString() => Name != "csv" ? Name : CsvTarget == null ? $"csv:{CsvPath}" : $"csv:{CsvPath}:{CsvTarget}";
}
