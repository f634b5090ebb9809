using System.Globalization;
using System.Text;

namespace Descent;

/// <summary>
/// Prints tensors the way PyTorch does: <c>tensor([[1.0000, 2.5000], ...], requires_grad=True)</c>.
/// All elements share one format chosen from the data: integers print as <c>3.</c>, moderate values
/// with four decimals, and very large or small ranges in scientific notation. Large tensors are
/// summarized with <c>...</c> (three items at each edge), as PyTorch does beyond 1000 elements.
/// </summary>
internal static class TensorFormatter
{
    private const int Threshold = 1000;
    private const int EdgeItems = 3;

    public static string Format(Tensor t)
    {
        const string prefix = "tensor(";
        var sb = new StringBuilder(prefix);
        var data = t.Data;
        bool summarize = t.Numel > Threshold;
        var fmt = ChooseFormat(data);
        int width = 0;
        foreach (float v in data) width = Math.Max(width, fmt(v).Length);
        if (t.Rank == 0) sb.Append(fmt(data[0]));
        else AppendDim(sb, t.ShapeRef, data, 0, 0, fmt, width, summarize, prefix.Length);
        if (t.GradFn != null) sb.Append(", grad_fn=").Append(t.GradFn);
        else if (t.RequiresGrad) sb.Append(", requires_grad=True");
        sb.Append(')');
        return sb.ToString();
    }

    private static void AppendDim(StringBuilder sb, int[] shape, ReadOnlySpan<float> data, int dim, int offset,
        Func<float, string> fmt, int width, bool summarize, int indent)
    {
        int size = shape[dim];
        int block = 1;
        for (int d = dim + 1; d < shape.Length; d++) block *= shape[d];
        sb.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (summarize && size > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(dim == shape.Length - 1 ? "..., " : "...,\n" + new string(' ', indent + dim + 1));
                i = size - EdgeItems - 1;
                continue;
            }
            if (dim == shape.Length - 1)
            {
                sb.Append(fmt(data[offset + i]).PadLeft(width));
            }
            else
            {
                AppendDim(sb, shape, data, dim + 1, offset + i * block, fmt, width, summarize, indent);
            }
            if (i < size - 1)
            {
                if (dim == shape.Length - 1) sb.Append(", ");
                else sb.Append(',').Append('\n', shape.Length - 1 - dim).Append(' ', indent + dim + 1);
            }
        }
        sb.Append(']');
    }

    private static Func<float, string> ChooseFormat(ReadOnlySpan<float> data)
    {
        var inv = CultureInfo.InvariantCulture;
        bool allInts = true;
        double maxAbs = 0, minAbs = double.MaxValue;
        bool anyFinite = false;
        foreach (float v in data)
        {
            if (!float.IsFinite(v)) continue;
            anyFinite = true;
            if (v != MathF.Round(v)) allInts = false;
            double a = Math.Abs(v);
            if (a != 0)
            {
                maxAbs = Math.Max(maxAbs, a);
                minAbs = Math.Min(minAbs, a);
            }
        }
        if (!anyFinite || minAbs == double.MaxValue) minAbs = maxAbs;
        static string Special(float v) => float.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        if (allInts)
        {
            if (maxAbs > 1e8) return v => float.IsFinite(v) ? v.ToString("0.0000e+00", inv) : Special(v);
            return v => float.IsFinite(v) ? v.ToString("0", inv) + "." : Special(v);
        }
        if (maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4)
            return v => float.IsFinite(v) ? v.ToString("0.0000e+00", inv) : Special(v);
        return v => float.IsFinite(v) ? v.ToString("0.0000", inv) : Special(v);
    }
}
