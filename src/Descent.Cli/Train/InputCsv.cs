using System.Globalization;

namespace Descent.Cli.Train;

/// <summary>
/// The rows <c>descent predict</c> reads: comma-separated numbers, with an optional header. When the model
/// records CSV feature names the header must name them (other columns, such as the target, are skipped);
/// otherwise every row must hold exactly the model's number of inputs.
/// </summary>
public static class InputCsv
{
    /// <summary>Reads <paramref name="path"/> as a [rows, inputs] tensor for the model described by <paramref name="info"/>.</summary>
    public static Tensor Read(string path, ModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(info);
        string file = Path.GetFileName(path);
        var lines = File.ReadAllLines(path).Select((text, i) => (Text: text, Line: i + 1)).Where(l => l.Text.Trim().Length > 0).ToList();
        if (lines.Count == 0) throw new FormatException($"{file}: the file is empty");
        var first = Split(lines[0].Text);
        bool header = first.Any(cell => !float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        int[] columns;
        if (info.Features != null)
        {
            if (!header) throw new FormatException($"{file}: line 1: expected a header naming the model's features ({string.Join(", ", info.Features)})");
            var missing = info.Features.Where(f => !first.Contains(f)).ToList();
            if (missing.Count > 0) throw new FormatException($"{file}: line 1: the header lacks the model's feature column(s) {string.Join(", ", missing)}");
            columns = info.Features.Select(f => Array.IndexOf(first, f)).ToArray();
        }
        else
        {
            if (first.Length != info.Inputs) throw new FormatException($"{file}: line {lines[0].Line}: {first.Length} columns, but the model reads {info.Inputs} inputs per row");
            columns = Enumerable.Range(0, info.Inputs).ToArray();
        }
        var rows = header ? lines.Skip(1).ToList() : lines;
        if (rows.Count == 0) throw new FormatException($"{file}: no data rows after the header");
        int expected = header ? first.Length : columns.Length;
        var values = new float[rows.Count * columns.Length];
        for (int r = 0; r < rows.Count; r++)
        {
            var cells = Split(rows[r].Text);
            if (cells.Length != expected) throw new FormatException($"{file}: line {rows[r].Line}: {cells.Length} fields, expected {expected}");
            for (int j = 0; j < columns.Length; j++)
            {
                string cell = cells[columns[j]];
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new FormatException($"{file}: line {rows[r].Line}, column {columns[j] + 1}: '{cell}' is not a finite number");
                values[r * columns.Length + j] = v;
            }
        }
        return Tensor.Create(values, [rows.Count, columns.Length]);
    }

    private static string[] Split(string line) => line.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
}
