using System.Numerics;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// Layer normalisation over [R, D] rows: y = (x − mean)·rstd·weight + bias with rstd = 1/√(var + eps) and
/// the biased variance, as PyTorch's <c>layer_norm</c>. Forward keeps each row's mean and rstd, which is all
/// backward needs besides x. Rows are split across threads, and the weight and bias gradients' columns are
/// (<see cref="NormPasses"/>), so results do not depend on the thread count. Vector and scalar tails use the same unfused arithmetic, so an element's bits do not depend on where a part
/// boundary falls either.
/// </summary>
internal static unsafe partial class LayerNormKernel
{
    private struct Args
    {
        public float* X, G, Weight, Bias, Mean, Rstd, Y, GradBias;
        public int Rows, D;
        public float Eps;
    }

    /// <summary>Writes y and each row's mean and rstd; an empty weight means ones, an empty bias zeros.</summary>
    public static void Forward(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps,
        Span<float> mean, Span<float> rstd, Span<float> y)
    {
        fixed (float* px = x, pw = weight, pb = bias, pm = mean, pr = rstd, py = y)
        {
            var args = new Args
            {
                X = px, Weight = weight.IsEmpty ? null : pw, Bias = bias.IsEmpty ? null : pb, Mean = pm, Rstd = pr, Y = py, D = d, Eps = eps,
            };
            NormPasses.ByRows(&args, rows, d, &ForwardRow);
        }
    }

    /// <summary>
    /// dx = rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)) per row with x̂ = (x − mean)·rstd: the derivative through
    /// the row's mean and variance as well as the direct path.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> gradInput)
    {
        fixed (float* pg = g, px = x, pw = weight, pm = mean, pr = rstd, py = gradInput)
        {
            var args = new Args { G = pg, X = px, Weight = weight.IsEmpty ? null : pw, Mean = pm, Rstd = pr, Y = py, D = d };
            NormPasses.ByRows(&args, rows, d, &BackwardRow);
        }
    }

    /// <summary>
    /// dw = Σ g·x̂ and db = Σ g over rows, summed in row order for every column; an empty destination is skipped.
    /// </summary>
    public static void BackwardAffine(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> rstd, Span<float> gradWeight, Span<float> gradBias)
    {
        fixed (float* pg = g, px = x, pm = mean, pr = rstd, pw = gradWeight, pb = gradBias)
        {
            var args = new Args
            {
                G = pg, X = px, Mean = pm, Rstd = pr, Y = gradWeight.IsEmpty ? null : pw, GradBias = gradBias.IsEmpty ? null : pb, D = d, Rows = rows,
            };
            NormPasses.ByColumns(&args, rows, d, &AffineColumns);
        }
    }

    private static ReadOnlySpan<float> Row(float* p, in Args a, int r) => new(p + (long)r * a.D, a.D);

    private static void ForwardRow(void* state, int r)
    {
        ref var a = ref *(Args*)state;
        if (Wide(a.D))
        {
            ForwardRowWide(in a, r);
            return;
        }
        var x = Row(a.X, a, r);
        var y = new Span<float>(a.Y + (long)r * a.D, a.D);
        // Two passes (mean, then squares about it) rather than E[x²] − mean², which cancels for rows far from 0.
        float mean = Sum(x, 0f, false) / a.D;
        float rstd = 1f / MathF.Sqrt(Sum(x, mean, true) / a.D + a.Eps);
        a.Mean[r] = mean;
        a.Rstd[r] = rstd;
        var w = a.Weight != null ? new ReadOnlySpan<float>(a.Weight, a.D) : default;
        var b = a.Bias != null ? new ReadOnlySpan<float>(a.Bias, a.D) : default;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vm = new Vector<float>(mean);
            var vr = new Vector<float>(rstd);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int k = 0; k < xv.Length; k++)
            {
                var v = (xv[k] - vm) * vr;
                if (!w.IsEmpty) v *= wv[k];
                if (!b.IsEmpty) v += bv[k];
                yv[k] = v;
            }
            j = xv.Length * Vector<float>.Count;
        }
        for (; j < x.Length; j++)
        {
            float v = (x[j] - mean) * rstd;
            if (!w.IsEmpty) v *= w[j];
            if (!b.IsEmpty) v += b[j];
            y[j] = v;
        }
    }

    private static void BackwardRow(void* state, int r)
    {
        ref var a = ref *(Args*)state;
        if (Wide(a.D))
        {
            BackwardRowWide(in a, r);
            return;
        }
        var g = Row(a.G, a, r);
        var x = Row(a.X, a, r);
        var dx = new Span<float>(a.Y + (long)r * a.D, a.D);
        var w = a.Weight != null ? new ReadOnlySpan<float>(a.Weight, a.D) : default;
        float mean = a.Mean[r], rstd = a.Rstd[r];
        var (sumG, sumGX) = GradientSums(g, x, w, mean, rstd);
        float c1 = sumG / a.D, c2 = sumGX / a.D;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vm = new Vector<float>(mean);
            var vr = new Vector<float>(rstd);
            var v1 = new Vector<float>(c1);
            var v2 = new Vector<float>(c2);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dx);
            for (int k = 0; k < gv.Length; k++)
            {
                var gw = w.IsEmpty ? gv[k] : gv[k] * wv[k];
                dv[k] = (gw - v1 - (xv[k] - vm) * vr * v2) * vr;
            }
            j = gv.Length * Vector<float>.Count;
        }
        for (; j < g.Length; j++)
        {
            float gw = w.IsEmpty ? g[j] : g[j] * w[j];
            dx[j] = (gw - c1 - (x[j] - mean) * rstd * c2) * rstd;
        }
    }

    // Σ g·w and Σ g·w·x̂ of one row, in float vectors and double totals.
    private static (float SumG, float SumGX) GradientSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, float mean, float rstd)
    {
        int j = 0;
        double s1 = 0, s2 = 0;
        if (Vector.IsHardwareAccelerated && g.Length >= Vector<float>.Count)
        {
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var vm = new Vector<float>(mean);
            var vr = new Vector<float>(rstd);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
            for (int k = 0; k < gv.Length; k++)
            {
                var gw = w.IsEmpty ? gv[k] : gv[k] * wv[k];
                a1 += gw;
                a2 += gw * ((xv[k] - vm) * vr);
            }
            s1 = Vector.Sum(a1);
            s2 = Vector.Sum(a2);
            j = gv.Length * Vector<float>.Count;
        }
        for (; j < g.Length; j++)
        {
            float gw = w.IsEmpty ? g[j] : g[j] * w[j];
            s1 += gw;
            s2 += gw * ((x[j] - mean) * rstd);
        }
        return ((float)s1, (float)s2);
    }

    private static void AffineColumns(void* state, int from, int to)
    {
        ref var a = ref *(Args*)state;
        if (Wide(a.D))
        {
            AffineColumnsWide(in a, from, to);
            return;
        }
        int n = to - from;
        var dw = a.Y != null ? new Span<float>(a.Y + from, n) : default;
        var db = a.GradBias != null ? new Span<float>(a.GradBias + from, n) : default;
        dw.Clear();
        db.Clear();
        for (int r = 0; r < a.Rows; r++)
        {
            var g = new ReadOnlySpan<float>(a.G + (long)r * a.D + from, n);
            var x = new ReadOnlySpan<float>(a.X + (long)r * a.D + from, n);
            float mean = a.Mean[r], rstd = a.Rstd[r];
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vm = new Vector<float>(mean);
                var vr = new Vector<float>(rstd);
                var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
                var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
                var wv = MemoryMarshal.Cast<float, Vector<float>>(dw);
                var bv = MemoryMarshal.Cast<float, Vector<float>>(db);
                for (int k = 0; k < gv.Length; k++)
                {
                    if (!dw.IsEmpty) wv[k] += gv[k] * ((xv[k] - vm) * vr);
                    if (!db.IsEmpty) bv[k] += gv[k];
                }
                j = gv.Length * Vector<float>.Count;
            }
            for (; j < n; j++)
            {
                if (!dw.IsEmpty) dw[j] += g[j] * ((x[j] - mean) * rstd);
                if (!db.IsEmpty) db[j] += g[j];
            }
        }
    }

    /// <summary>Σ x, or Σ (x − <paramref name="center"/>)² when <paramref name="squares"/>, in float vectors and a double total.</summary>
    private static float Sum(ReadOnlySpan<float> x, float center, bool squares)
    {
        int j = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var vc = new Vector<float>(center);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            if (squares)
                for (int k = 0; k < xv.Length; k++) { var c = xv[k] - vc; acc += c * c; }
            else for (int k = 0; k < xv.Length; k++) acc += xv[k];
            sum = Vector.Sum(acc);
            j = xv.Length * Vector<float>.Count;
        }
        for (; j < x.Length; j++)
        {
            float c = x[j] - center;
            sum += squares ? c * c : x[j];
        }
        return (float)sum;
    }
}
