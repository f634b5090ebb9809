using System.Globalization;

namespace Descent.Data;

/// <summary>
/// A comma-separated file with a header row: every column numeric except possibly the target, which
/// may hold class names (mapped to indices in order of first appearance). The header is the first row and
/// holds no numbers; a first row with numbers in it is an error naming the cell (<see cref="CsvReader.IsHeader"/>).
/// </summary>
/// <example><code>var (data, columns, classes) = Csv.Load("houses.csv", target: "price");</code></example>
public static class Csv
{
    /// <summary>
    /// Loads the file; <paramref name="target"/> names the target column (the last column if null).
    /// Returns the dataset (inputs [N, features], targets [N]), the feature names and, for a text
    /// target, its class names (empty for a numeric target).
    /// </summary>
    public static (TensorDataset Data, IReadOnlyList<string> Features, IReadOnlyList<string> Classes) Load(string path, string? target = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{Path.GetFileName(path)}: file not found ('{Path.GetFullPath(path)}')", path);
        using var reader = new StreamReader(path);
        return Load(reader, path, target);
    }

    /// <summary>The most values (cells) a file may hold: 2^28, a gigabyte of floats.</summary>
    public const long MaxValues = 1L << 28;

    /// <summary>
    /// Parses CSV text from <paramref name="reader"/>; <paramref name="path"/> names it in errors. Memory follows
    /// what the text holds, within the caps of <see cref="CsvReader"/> (line length, fields) and <see cref="MaxValues"/>.
    /// </summary>
    internal static (TensorDataset Data, IReadOnlyList<string> Features, IReadOnlyList<string> Classes) Load(TextReader reader, string path, string? target = null,
        long maxValues = MaxValues)
    {
        var csv = new CsvReader(reader, path);
        var names = csv.ReadRow() ?? throw new DataFormatException(path, "line 1", 0, "the header row is empty");
        if (!csv.IsHeader(names))
            throw csv.Fail("the first row holds only numbers; it must be a header naming the columns");
        int targetIndex = target == null ? names.Length - 1 : Array.IndexOf(names, target);
        if (targetIndex < 0) throw csv.Fail($"no column named '{target}' (columns: {Columns(names)})");
        if (names.Length < 2) throw csv.Fail("need at least one feature column and a target column");

        // Every cell becomes a number as it is read. The target is kept both ways (its value, and its class among the
        // distinct texts seen) until the last row shows whether the column is numeric: no row keeps a string.
        var inv = CultureInfo.InvariantCulture;
        int f = names.Length - 1;
        var x = new List<float>();
        var values = new List<float>();
        var classIds = new List<int>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        bool textTarget = false;
        (int Line, string Cell)? nonFinite = null;
        while (csv.ReadRow() is { } cells)
        {
            if (cells.Length != names.Length)
                throw csv.Fail($"{cells.Length} fields but the header has {names.Length}");
            if ((long)(values.Count + 1) * names.Length > maxValues)
                throw csv.Fail($"the file holds more than {maxValues} values, the limit of a CSV data set");
            if (x.Count + f > x.Capacity) MemoryGuard.Require(8L * Math.Max(x.Capacity, f), $"{Path.GetFileName(path)}: line {csv.Line}: the values read so far");
            for (int j = 0; j < names.Length; j++)
            {
                if (j == targetIndex) continue;
                if (!float.TryParse(cells[j], NumberStyles.Float, inv, out float v) || !float.IsFinite(v))
                    throw csv.Fail($"column '{names[j]}': '{Short(cells[j])}' is not a finite number");
                x.Add(v);
            }
            string cell = cells[targetIndex];
            if (!float.TryParse(cell, NumberStyles.Float, inv, out float value)) textTarget = true;
            else if (!float.IsFinite(value)) nonFinite ??= (csv.Line, cell);
            if (!classIndex.TryGetValue(cell, out int c)) classIndex[cell] = c = classIndex.Count;
            values.Add(value);
            classIds.Add(c);
        }
        if (values.Count == 0) throw new DataFormatException(path, null, null, "no data rows after the header");
        if (!textTarget && nonFinite is var (line, bad))
            throw new DataFormatException(path, $"line {line}", null, $"column '{names[targetIndex]}': '{Short(bad)}' is not a finite number");
        var y = textTarget ? classIds.Select(c => (float)c).ToArray() : [.. values];
        var classes = textTarget ? classIndex.OrderBy(p => p.Value).Select(p => p.Key).ToArray() : [];
        var features = names.Where((_, j) => j != targetIndex).ToArray();
        return (new TensorDataset(Tensor.Create([.. x], [y.Length, f]), Tensor.FromArray(y)), features, classes);
    }

    private static string Columns(string[] names) => names.Length <= 20 ? string.Join(", ", names) : string.Join(", ", names.Take(20)) + $", ... ({names.Length} in all)";

    private static string Short(string cell) => cell.Length <= 40 ? cell : cell[..40] + "...";
}
