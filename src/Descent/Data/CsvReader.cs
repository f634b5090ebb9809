using System.Globalization;
using System.Text;

namespace Descent.Data;

/// <summary>
/// Reads comma-separated rows with memory bounded by documented caps rather than by the input: a line may hold
/// at most <see cref="MaxLineChars"/> characters and <see cref="MaxFields"/> fields, so a file without line ends
/// (or an endless device) fails at the first line that passes the cap instead of growing until memory runs out.
/// Cells are trimmed of spaces and surrounding quotes; blank lines are skipped. Line numbers count every line.
/// </summary>
/// <example><code>
/// var csv = new CsvReader(new StreamReader("data.csv"), "data.csv");
/// while (csv.ReadRow() is { } cells) Console.WriteLine($"line {csv.Line}: {cells.Length} fields");
/// </code></example>
public sealed class CsvReader(TextReader reader, string file)
{
    /// <summary>The longest line read, in characters (1 Mi).</summary>
    public const int MaxLineChars = 1 << 20;

    /// <summary>The most fields one line may hold.</summary>
    public const int MaxFields = 1 << 16;

    private readonly char[] _buffer = new char[1 << 14];
    private readonly StringBuilder _line = new();
    private int _start, _end;
    private bool _cr;

    /// <summary>The file's name, for errors.</summary>
    public string File => file;

    /// <summary>The number (from 1) of the line <see cref="ReadRow"/> returned last.</summary>
    public int Line { get; private set; }

    /// <summary>The cells of the next non-blank line, or null at the end of the input.</summary>
    public string[]? ReadRow()
    {
        while (ReadLine() is { } text)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            int fields = text.AsSpan().Count(',') + 1;
            if (fields > MaxFields) throw Fail($"{fields} fields, more than the {MaxFields}-field limit of a line");
            return text.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
        }
        return null;
    }

    /// <summary>An error about the line read last.</summary>
    public DataFormatException Fail(string problem) => new(file, $"line {Line}", null, problem);

    /// <summary>True when <paramref name="cell"/> reads as a number (invariant culture, as the data's values are read).</summary>
    public static bool IsNumber(string cell) => float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// Whether <paramref name="cells"/>, the first row, is a header: true when none of its cells is a number,
    /// false when all are. A mixed row is an error naming the odd cell: a header with a number in it is a data
    /// row with a typo far more often than a column really named "2", and reading it as a header would skip it.
    /// </summary>
    public bool IsHeader(string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        int numbers = cells.Count(IsNumber);
        if (numbers == 0) return true;
        if (numbers == cells.Length) return false;
        bool mostlyNumbers = numbers * 2 >= cells.Length;
        int odd = Array.FindIndex(cells, c => IsNumber(c) != mostlyNumbers);
        throw Fail(mostlyNumbers
            ? $"column {odd + 1}: '{Short(cells[odd])}' is not a number, but the row's other cells are; a header holds no numbers and a data row only numbers"
            : $"column {odd + 1}: '{Short(cells[odd])}' is a number, but the row's other cells are not; a header holds no numbers and a data row only numbers");
    }

    private static string Short(string cell) => cell.Length <= 40 ? cell : cell[..40] + "...";

    /// <summary>The next line without its end (\n, \r\n or \r), or null at the end; a line past the cap throws.</summary>
    private string? ReadLine()
    {
        _line.Clear();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = reader.Read(_buffer, 0, _buffer.Length);
                if (_end == 0)
                {
                    if (_line.Length == 0) return null;
                    Line++;
                    return _line.ToString();
                }
            }
            if (_cr)
            {
                // The \n of a \r\n pair ends the line already returned.
                _cr = false;
                if (_buffer[_start] == '\n') _start++;
                continue;
            }
            var span = _buffer.AsSpan(_start, _end - _start);
            int end = span.IndexOfAny('\n', '\r');
            int take = end < 0 ? span.Length : end;
            if (_line.Length + take > MaxLineChars)
            {
                Line++;
                throw Fail($"longer than {MaxLineChars} characters, the limit of a line (is it text with line ends?)");
            }
            _line.Append(span[..take]);
            _start += take;
            if (end < 0) continue;
            _cr = _buffer[_start] == '\r';
            _start++;
            Line++;
            return _line.ToString();
        }
    }
}
