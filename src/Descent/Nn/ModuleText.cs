using System.Globalization;
using System.Text;

namespace Descent.Nn;

/// <summary>PyTorch's <c>nn.Module.__repr__</c> layout and its Python spellings of settings, shared by every module's printing.</summary>
internal static class ModuleText
{
    /// <summary>
    /// <c>Name(extra)</c> for a leaf with one line of settings; otherwise the settings' lines and then
    /// <c>(name): child</c> lines, each indented two spaces, with <c>)</c> on its own line.
    /// </summary>
    public static string Format(string name, string extra, IEnumerable<(string Name, string Text)> children)
    {
        var lines = new List<string>();
        if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
        int extraLines = lines.Count;
        foreach (var (childName, text) in children) lines.Add($"({childName}): {Indent(text)}");
        var text2 = new StringBuilder(name).Append('(');
        if (lines.Count == 1 && extraLines == 1) text2.Append(extra);
        else if (lines.Count > 0) text2.Append("\n  ").AppendJoin("\n  ", lines).Append('\n');
        return text2.Append(')').ToString();
    }

    // A child's own lines after the first move in with it.
    private static string Indent(string text) => text.Replace("\n", "\n  ", StringComparison.Ordinal);

    /// <summary>A Python tuple of sizes: <c>(4,)</c> for one, <c>(3, 4)</c> for more.</summary>
    public static string Tuple(IReadOnlyList<int> sizes) => sizes.Count == 1 ? $"({sizes[0]},)" : $"({string.Join(", ", sizes)})";

    /// <summary>A Python string as <c>repr</c> quotes it: <c>'tanh'</c>.</summary>
    public static string Quoted(string value) => $"'{value}'";

    /// <summary>Python's <c>True</c>/<c>False</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>A float as Python's <c>repr</c> writes it: <c>0.5</c>, <c>1.0</c>, <c>1e-05</c>.</summary>
    public static string Float(double value) => Python(value.ToString("R", CultureInfo.InvariantCulture), double.IsFinite(value));

    /// <summary>A float32 setting, written with its own shortest digits (1e-05, not 9.99999974737875e-06).</summary>
    public static string Float(float value) => Python(value.ToString("R", CultureInfo.InvariantCulture), float.IsFinite(value));

    private static string Python(string text, bool finite)
    {
        if (text.Contains('E', StringComparison.Ordinal))
        {
            // .NET writes 1E-05 and 1E+20; Python writes 1e-05 and 1e+20.
            var (mantissa, exponent) = (text[..text.IndexOf('E')], text[(text.IndexOf('E') + 1)..]);
            string sign = exponent.StartsWith('-') ? "-" : "+";
            string digits = exponent.TrimStart('+', '-').PadLeft(2, '0');
            return $"{mantissa}e{sign}{digits}";
        }
        return finite && !text.Contains('.', StringComparison.Ordinal) ? text + ".0" : text;
    }
}
