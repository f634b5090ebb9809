using System.Text;

namespace Descent;

/// <summary>
/// Prints tensors the way PyTorch's <c>torch._tensor_str</c> does with its default print options:
/// one format for all elements chosen from the nonzero finite values (integers as <c>3.</c>, four
/// decimals, or scientific when the range is wide), right-aligned to the widest of those values,
/// rows wrapped at 80 columns, and tensors over 1000 elements summarized with <c>...</c> (three items
/// at each edge; the format is then chosen from the printed items only).
/// </summary>
internal static class TensorFormatter
{
    private const int Threshold = 1000;
    private const int EdgeItems = 3;
    private const int LineWidth = 80;
    private const int Precision = 4;

    public static string Format(Tensor t)
    {
        var suffixes = new List<string>();
        if (t.GradFn != null) suffixes.Add("grad_fn=" + t.GradFn);
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return Format(t.Data, t.ShapeRef, static shown => new ValueFormatter(shown), suffixes);
    }

    /// <summary>Any kind of tensor: <paramref name="formatter"/> picks the element format from the elements that will be shown.</summary>
    public static string Format<T>(ReadOnlySpan<T> elements, int[] shape, ValueFormat<T>.Factory formatter, List<string>? suffixes = null)
    {
        const string prefix = "tensor(";
        int indent = prefix.Length;
        suffixes ??= [];
        string body;
        if (elements.Length == 0)
        {
            body = "[]";
            if (!(shape.Length == 1 && shape[0] == 0)) suffixes.Insert(0, "size=(" + string.Join(", ", shape) + ")");
        }
        else
        {
            bool summarize = elements.Length > Threshold;
            var data = elements.ToArray();
            var shown = new List<T>();
            CollectShown(data, shape, 0, 0, summarize, shown);
            var fmt = formatter(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shown));
            body = shape.Length == 0 ? fmt.Format(data[0]) : TensorString(data, shape, 0, 0, indent, summarize, fmt);
        }
        return AddSuffixes(prefix + body, suffixes, indent);
    }

    /// <summary>The elements that will be printed (PyTorch's <c>get_summarized_data</c>).</summary>
    private static void CollectShown<T>(T[] data, int[] shape, int dim, int offset, bool summarize, List<T> shown)
    {
        if (dim == shape.Length)
        {
            shown.Add(data[offset]);
            return;
        }
        int block = Block(shape, dim);
        foreach (int i in Indices(shape[dim], summarize))
            CollectShown(data, shape, dim + 1, offset + i * block, summarize, shown);
    }

    private static IEnumerable<int> Indices(int size, bool summarize)
    {
        if (summarize && size > 2 * EdgeItems)
        {
            for (int i = 0; i < EdgeItems; i++) yield return i;
            for (int i = size - EdgeItems; i < size; i++) yield return i;
        }
        else
        {
            for (int i = 0; i < size; i++) yield return i;
        }
    }

    private static int Block(int[] shape, int dim)
    {
        int block = 1;
        for (int d = dim + 1; d < shape.Length; d++) block *= shape[d];
        return block;
    }

    private static string TensorString<T>(T[] data, int[] shape, int dim, int offset, int indent, bool summarize, ValueFormat<T> fmt)
    {
        int size = shape[dim];
        bool cut = summarize && size > 2 * EdgeItems;
        if (dim == shape.Length - 1)
        {
            var items = new List<string>();
            for (int i = 0; i < size; i++)
            {
                if (cut && i == EdgeItems)
                {
                    items.Add(" ...");
                    i = size - EdgeItems - 1;
                    continue;
                }
                items.Add(fmt.Format(data[offset + i]));
            }
            int perLine = Math.Max(1, (LineWidth - indent) / (fmt.Width + 2));
            var lines = items.Chunk(perLine).Select(line => string.Join(", ", line));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
        int block = Block(shape, dim);
        var slices = new List<string>();
        for (int i = 0; i < size; i++)
        {
            if (cut && i == EdgeItems)
            {
                slices.Add("...");
                i = size - EdgeItems - 1;
                continue;
            }
            slices.Add(TensorString(data, shape, dim + 1, offset + i * block, indent + 1, summarize, fmt));
        }
        int subRank = shape.Length - dim;
        return "[" + string.Join("," + new string('\n', subRank - 1) + new string(' ', indent + 1), slices) + "]";
    }

    private static string AddSuffixes(string text, List<string> suffixes, int indent)
    {
        var sb = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>PyTorch's <c>_Formatter</c>: picks integer, fixed or scientific mode and the column width.</summary>
    private sealed class ValueFormatter : ValueFormat<float>
    {
        private readonly bool _intMode = true;
        private readonly bool _sciMode;

        public override int Width { get; } = 1;

        public ValueFormatter(ReadOnlySpan<float> shownValues)
        {
            var values = shownValues.ToArray();
            var nonzeroFinite = values.Where(v => float.IsFinite(v) && v != 0).Select(v => (double)v).ToList();
            if (nonzeroFinite.Count == 0) return;
            double min = nonzeroFinite.Min(Math.Abs), max = nonzeroFinite.Max(Math.Abs);
            _intMode = nonzeroFinite.All(v => v == Math.Ceiling(v));
            _sciMode = max / min > 1000.0 || max > 1.0e8 || (!_intMode && min < 1.0e-4);
            foreach (double v in nonzeroFinite)
            {
                int length = _sciMode ? PyFloatFormat.Scientific(v, Precision).Length
                    : _intMode ? PyFloatFormat.Fixed(v, 0).Length + 1
                    : PyFloatFormat.Fixed(v, Precision).Length;
                Width = Math.Max(Width, length);
            }
        }

        public override string Format(float value)
        {
            string text;
            if (_sciMode) text = PyFloatFormat.Scientific(value, Precision);
            else if (_intMode) text = PyFloatFormat.Fixed(value, 0) + (float.IsFinite(value) ? "." : "");
            else text = PyFloatFormat.Fixed(value, Precision);
            return text.PadLeft(Width);
        }
    }
}

/// <summary>How the elements of one tensor print: one width for all, so columns line up as in PyTorch.</summary>
internal abstract class ValueFormat<T>
{
    /// <summary>Picks the format from the elements that will be shown.</summary>
    public delegate ValueFormat<T> Factory(ReadOnlySpan<T> shown);

    /// <summary>The width every element is padded to.</summary>
    public abstract int Width { get; }

    /// <summary>One element, padded to <see cref="Width"/>.</summary>
    public abstract string Format(T value);
}
