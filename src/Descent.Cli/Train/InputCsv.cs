using System.Globalization;
using Descent.Data;
using Descent.Training;

namespace Descent.Cli.Train;

/// <summary>
/// The rows <c>descent predict</c> reads: comma-separated numbers, with an optional header (a first row without numbers). When the model
/// records CSV feature names the header must name them (other columns, such as the target, are skipped);
/// otherwise every row must hold exactly the model's number of inputs.
/// </summary>
public static class InputCsv
{
    /// <summary>
    /// Reads <paramref name="path"/> as a [rows, inputs] tensor for the model described by <paramref name="info"/>.
    /// The first row is a header when none of its cells is a number and data when all are; a mixed first row is an
    /// error naming the cell. Lines are capped as <see cref="CsvReader"/> documents, the file at <see cref="Csv.MaxValues"/> values.
    /// </summary>
    public static Tensor Read(string path, ModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(info);
        string file = Path.GetFileName(path);
        using var stream = new StreamReader(path);
        var csv = new CsvReader(stream, file);
        var first = csv.ReadRow() ?? throw new FormatException($"{file}: the file is empty");
        bool header = csv.IsHeader(first);
        int[] columns;
        if (info.Features != null)
        {
            if (!header) throw csv.Fail($"expected a header naming the model's features ({string.Join(", ", info.Features)})");
            var missing = info.Features.Where(f => !first.Contains(f)).ToList();
            if (missing.Count > 0) throw csv.Fail($"the header lacks the model's feature column(s) {string.Join(", ", missing)}");
            columns = info.Features.Select(f => Array.IndexOf(first, f)).ToArray();
        }
        else
        {
            if (first.Length != info.Inputs) throw csv.Fail($"{first.Length} columns, but the model reads {info.Inputs} inputs per row");
            columns = Enumerable.Range(0, info.Inputs).ToArray();
        }
        int expected = header ? first.Length : columns.Length;
        var values = new List<float>();
        for (var cells = header ? csv.ReadRow() : first; cells != null; cells = csv.ReadRow())
        {
            if (cells.Length != expected) throw csv.Fail($"{cells.Length} fields, expected {expected}");
            if (values.Count + columns.Length > Csv.MaxValues) throw csv.Fail($"the file holds more than {Csv.MaxValues} values, the limit of an input file");
            foreach (int column in columns)
            {
                string cell = cells[column];
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw csv.Fail($"column {column + 1}: '{(cell.Length <= 40 ? cell : cell[..40] + "...")}' is not a finite number");
                values.Add(v);
            }
        }
        if (values.Count == 0) throw new FormatException($"{file}: no data rows after the header");
        return Tensor.Create([.. values], [values.Count / columns.Length, columns.Length]);
    }
}
