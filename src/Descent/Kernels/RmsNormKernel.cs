using System.Numerics;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// RMS normalisation over [R, D] rows: y = (x·invrms)·weight with invrms = 1/√(mean(x²) + eps) per row,
/// as PyTorch's <c>rms_norm</c> composes it. Rows are split across threads and the weight gradient's
/// columns are (<see cref="NormPasses"/>), so results do not depend on the thread count. Vector and scalar tails use the same unfused arithmetic, so an element's bits do not
/// depend on where a part boundary falls either.
/// </summary>
internal static unsafe class RmsNormKernel
{
    private struct Args
    {
        public float* X, G, Weight, InvRms, Y;
        public int Rows, D;
        public float Eps;
    }

    /// <summary>
    /// Writes y and each row's invrms; an empty <paramref name="weight"/> means ones.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> weight, float eps, Span<float> invRms, Span<float> y)
    {
        fixed (float* px = x, pw = weight, pi = invRms, py = y)
        {
            var args = new Args { X = px, Weight = pw, InvRms = pi, Y = py, Rows = rows, D = d, Eps = eps };
            NormPasses.ByRows(&args, rows, d, &ForwardRow);
        }
    }

    /// <summary>
    /// dx = invrms·(g·w − x·invrms²·Σ(g·w·x)/D) per row, the derivative of (x·invrms)·w through invrms too.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> invRms, Span<float> gradInput)
    {
        fixed (float* pg = g, px = x, pw = weight, pi = invRms, py = gradInput)
        {
            var args = new Args { G = pg, X = px, Weight = pw, InvRms = pi, Y = py, Rows = rows, D = d };
            NormPasses.ByRows(&args, rows, d, &BackwardRow);
        }
    }

    /// <summary>dw = Σ over rows of g·(x·invrms), summed row by row in row order for every column.</summary>
    public static void BackwardWeight(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> invRms, Span<float> gradWeight)
    {
        fixed (float* pg = g, px = x, pi = invRms, py = gradWeight)
        {
            var args = new Args { G = pg, X = px, InvRms = pi, Y = py, Rows = rows, D = d };
            NormPasses.ByColumns(&args, rows, d, &WeightColumns);
        }
    }

    private static ReadOnlySpan<float> Row(float* p, in Args a, int r) => new(p + (long)r * a.D, a.D);

    private static void ForwardRow(void* state, int r)
    {
        ref var a = ref *(Args*)state;
        var x = Row(a.X, a, r);
        var y = new Span<float>(a.Y + (long)r * a.D, a.D);
        // PyTorch's rms_norm: rsqrt of the float mean of squares plus eps.
        float inv = 1f / MathF.Sqrt(SumOfProducts(x, x, default) / a.D + a.Eps);
        a.InvRms[r] = inv;
        bool affine = a.Weight != null;
        var w = affine ? new ReadOnlySpan<float>(a.Weight, a.D) : default;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vi = new Vector<float>(inv);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            if (affine)
            {
                var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
                for (int k = 0; k < xv.Length; k++) yv[k] = xv[k] * vi * wv[k];
            }
            else for (int k = 0; k < xv.Length; k++) yv[k] = xv[k] * vi;
            j = xv.Length * Vector<float>.Count;
        }
        for (; j < x.Length; j++) y[j] = affine ? x[j] * inv * w[j] : x[j] * inv;
    }

    private static void BackwardRow(void* state, int r)
    {
        ref var a = ref *(Args*)state;
        var g = Row(a.G, a, r);
        var x = Row(a.X, a, r);
        var dx = new Span<float>(a.Y + (long)r * a.D, a.D);
        var w = a.Weight != null ? new ReadOnlySpan<float>(a.Weight, a.D) : default;
        float inv = a.InvRms[r];
        float k = SumOfProducts(g, x, w) / a.D * inv * inv;
        bool affine = !w.IsEmpty;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vi = new Vector<float>(inv);
            var vk = new Vector<float>(k);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dx);
            if (affine)
            {
                var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
                for (int e = 0; e < gv.Length; e++) dv[e] = (gv[e] * wv[e] - xv[e] * vk) * vi;
            }
            else for (int e = 0; e < gv.Length; e++) dv[e] = (gv[e] - xv[e] * vk) * vi;
            j = gv.Length * Vector<float>.Count;
        }
        for (; j < g.Length; j++) dx[j] = ((affine ? g[j] * w[j] : g[j]) - x[j] * k) * inv;
    }

    private static void WeightColumns(void* state, int from, int to)
    {
        ref var a = ref *(Args*)state;
        int n = to - from;
        var dw = new Span<float>(a.Y + from, n);
        dw.Clear();
        for (int r = 0; r < a.Rows; r++)
        {
            var g = new ReadOnlySpan<float>(a.G + (long)r * a.D + from, n);
            var x = new ReadOnlySpan<float>(a.X + (long)r * a.D + from, n);
            float inv = a.InvRms[r];
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vi = new Vector<float>(inv);
                var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
                var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
                var dv = MemoryMarshal.Cast<float, Vector<float>>(dw);
                for (int e = 0; e < gv.Length; e++) dv[e] += gv[e] * (xv[e] * vi);
                j = gv.Length * Vector<float>.Count;
            }
            for (; j < n; j++) dw[j] += g[j] * (x[j] * inv);
        }
    }

    /// <summary>Σ a·b (·c when <paramref name="c"/> is not empty), in float vectors and a double total.</summary>
    private static float SumOfProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        int j = 0;
        double sum = 0;
        bool three = !c.IsEmpty;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            if (three)
            {
                var cv = MemoryMarshal.Cast<float, Vector<float>>(c);
                for (int k = 0; k < av.Length; k++) acc += av[k] * cv[k] * bv[k];
            }
            else for (int k = 0; k < av.Length; k++) acc += av[k] * bv[k];
            sum = Vector.Sum(acc);
            j = av.Length * Vector<float>.Count;
        }
        for (; j < a.Length; j++) sum += three ? a[j] * c[j] * b[j] : a[j] * b[j];
        return (float)sum;
    }
}
