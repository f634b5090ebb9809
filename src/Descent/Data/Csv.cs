using System.Globalization;

namespace Descent.Data;

/// <summary>
/// A comma-separated file with a header row: every column numeric except possibly the target, which
/// may hold class names (mapped to indices in order of first appearance).
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

    /// <summary>Parses CSV text from <paramref name="reader"/>; <paramref name="path"/> names it in errors.</summary>
    internal static (TensorDataset Data, IReadOnlyList<string> Features, IReadOnlyList<string> Classes) Load(TextReader reader, string path, string? target = null)
    {
        string? header = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(header)) throw new DataFormatException(path, "line 1", 0, "the header row is empty");
        var names = Split(header);
        int targetIndex = target == null ? names.Length - 1 : Array.IndexOf(names, target);
        if (targetIndex < 0) throw new DataFormatException(path, "line 1", 0, $"no column named '{target}' (columns: {string.Join(", ", names)})");
        if (names.Length < 2) throw new DataFormatException(path, "line 1", 0, "need at least one feature column and a target column");

        var rows = new List<string[]>();
        int lineNo = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var cells = Split(line);
            if (cells.Length != names.Length)
                throw new DataFormatException(path, $"line {lineNo}", null, $"{cells.Length} fields but the header has {names.Length}");
            rows.Add(cells);
        }
        if (rows.Count == 0) throw new DataFormatException(path, null, null, "no data rows after the header");

        var inv = CultureInfo.InvariantCulture;
        bool textTarget = rows.Any(r => !float.TryParse(r[targetIndex], NumberStyles.Float, inv, out _));
        var classes = new List<string>();
        int f = names.Length - 1;
        var x = new float[rows.Count * f];
        var y = new float[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            int k = 0;
            for (int j = 0; j < names.Length; j++)
            {
                string cell = rows[i][j];
                if (j == targetIndex)
                {
                    if (textTarget)
                    {
                        int c = classes.IndexOf(cell);
                        if (c < 0) { classes.Add(cell); c = classes.Count - 1; }
                        y[i] = c;
                    }
                    else
                    {
                        y[i] = float.Parse(cell, NumberStyles.Float, inv);
                        if (!float.IsFinite(y[i]))
                            throw new DataFormatException(path, $"row {i + 1}, column '{names[j]}'", null, $"'{cell}' is not a finite number");
                    }
                    continue;
                }
                if (!float.TryParse(cell, NumberStyles.Float, inv, out float v) || !float.IsFinite(v))
                    throw new DataFormatException(path, $"row {i + 1}, column '{names[j]}'", null, $"'{cell}' is not a finite number");
                x[i * f + k++] = v;
            }
        }
        var features = names.Where((_, j) => j != targetIndex).ToArray();
        return (new TensorDataset(Tensor.Create(x, [rows.Count, f]), Tensor.FromArray(y)), features, classes);
    }

    private static string[] Split(string line) => line.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
}
