using System.Numerics;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// Batch normalisation over an [N, C, S] view (S = the product of the dimensions after C), one
/// channel at a time: each channel's rows of S floats are contiguous, and a channel is handled whole
/// by one thread, so splitting the channels across threads never changes a result. Sums accumulate
/// per row in float vectors and across rows in double.
/// </summary>
internal static unsafe class BatchNormKernel
{
    /// <summary>Elements per part below which a pass stays on one thread.</summary>
    internal const long MinElementsPerPart = 1 << 15;

    private enum Pass { Statistics, Normalize, Backward }

    private struct Args
    {
        public Pass Pass;
        public float* X, Y, G, Mean, InvStd, Weight, Bias, Variance, SumG, Dot;
        public int N, C, S, Parts;
        public bool Training;
    }

    /// <summary>Per-channel mean and biased variance (two passes: the mean first, then squared deviations).</summary>
    public static void Statistics(ReadOnlySpan<float> x, int n, int c, int s, Span<float> mean, Span<float> variance)
    {
        if (s == 1)
        {
            ColumnStatistics(x, n, c, mean, variance);
            return;
        }
        fixed (float* px = x, pm = mean, pv = variance)
            Dispatch(new Args { Pass = Pass.Statistics, X = px, Mean = pm, Variance = pv, N = n, C = c, S = s });
    }

    /// <summary>
    /// y = ((x − mean)·invstd)·weight + bias per channel; an empty <paramref name="weight"/> or
    /// <paramref name="bias"/> means 1 or 0.
    /// </summary>
    public static void Normalize(ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (s == 1)
        {
            ColumnNormalize(x, n, c, mean, invStd, weight, bias, y);
            return;
        }
        fixed (float* px = x, pm = mean, pi = invStd, pw = weight, pb = bias, py = y)
            Dispatch(new Args { Pass = Pass.Normalize, X = px, Mean = pm, InvStd = pi, Weight = pw, Bias = pb, Y = py, N = n, C = c, S = s });
    }

    /// <summary>
    /// PyTorch's batch_norm_backward per channel: Σg into <paramref name="sumG"/>, Σg·(x − mean) into
    /// <paramref name="dot"/>, and (when <paramref name="gradInput"/> is not empty)
    /// dx = ((g − Σg/M − (x − mean)·k)·invstd)·weight with k = dot·invstd²/M when training (batch
    /// statistics depend on x) and k = Σg/M = 0 otherwise (M = N·S).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int n, int c, int s, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> invStd, ReadOnlySpan<float> weight, bool training, Span<float> sumG, Span<float> dot, Span<float> gradInput)
    {
        if (s == 1)
        {
            ColumnBackward(g, x, n, c, mean, invStd, weight, training, sumG, dot, gradInput);
            return;
        }
        fixed (float* pg = g, px = x, pm = mean, pi = invStd, pw = weight, ps = sumG, pd = dot, py = gradInput)
            Dispatch(new Args
            {
                Pass = Pass.Backward, G = pg, X = px, Mean = pm, InvStd = pi, Weight = pw, SumG = ps, Dot = pd, Y = py,
                N = n, C = c, S = s, Training = training,
            });
    }

    private static void Dispatch(Args args)
    {
        if (args.C == 0) return;
        args.Parts = ParallelPartition.Parts((long)args.N * args.C * args.S, MinElementsPerPart, args.C);
        if (args.Parts == 1) Part(0, &args);
        else ParallelPool.Run(args.Parts, &Part, &args);
    }

    private static void Part(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var (start, end) = ParallelPartition.Range(a.C, a.Parts, part);
        for (int ch = start; ch < end; ch++)
        {
            switch (a.Pass)
            {
                case Pass.Statistics: ChannelStatistics(ref a, ch); break;
                case Pass.Normalize: ChannelNormalize(ref a, ch); break;
                default: ChannelBackward(ref a, ch); break;
            }
        }
    }

    private static ReadOnlySpan<float> Row(float* p, in Args a, int image, int ch) =>
        new(p + ((long)image * a.C + ch) * a.S, a.S);

    private static void ChannelStatistics(ref Args a, int ch)
    {
        double sum = 0;
        for (int i = 0; i < a.N; i++) sum += RowSum(Row(a.X, a, i, ch));
        long count = (long)a.N * a.S;
        float mean = (float)(sum / count);
        double squares = 0;
        for (int i = 0; i < a.N; i++) squares += RowSquaredDeviations(Row(a.X, a, i, ch), mean);
        a.Mean[ch] = mean;
        a.Variance[ch] = (float)(squares / count);
    }

    private static void ChannelNormalize(ref Args a, int ch)
    {
        float mean = a.Mean[ch], invStd = a.InvStd[ch];
        float weight = a.Weight == null ? 1f : a.Weight[ch], bias = a.Bias == null ? 0f : a.Bias[ch];
        for (int i = 0; i < a.N; i++)
        {
            var x = Row(a.X, a, i, ch);
            var y = new Span<float>(a.Y + ((long)i * a.C + ch) * a.S, a.S);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vm = new Vector<float>(mean);
                var vi = new Vector<float>(invStd);
                var vw = new Vector<float>(weight);
                var vb = new Vector<float>(bias);
                var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
                var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
                for (int k = 0; k < xv.Length; k++) yv[k] = (xv[k] - vm) * vi * vw + vb;
                j = xv.Length * Vector<float>.Count;
            }
            for (; j < x.Length; j++) y[j] = (x[j] - mean) * invStd * weight + bias;
        }
    }

    private static void ChannelBackward(ref Args a, int ch)
    {
        float mean = a.Mean[ch], invStd = a.InvStd[ch];
        double sumG = 0, dot = 0;
        for (int i = 0; i < a.N; i++)
        {
            var (s, d) = RowGradientSums(Row(a.G, a, i, ch), Row(a.X, a, i, ch), mean);
            sumG += s;
            dot += d;
        }
        a.SumG[ch] = (float)sumG;
        a.Dot[ch] = (float)dot;
        if (a.Y == null) return;
        long count = (long)a.N * a.S;
        float weight = a.Weight == null ? 1f : a.Weight[ch];
        float gradMean = a.Training ? (float)(sumG / count) : 0f;
        float k = a.Training ? (float)(dot / count) * invStd * invStd : 0f;
        for (int i = 0; i < a.N; i++)
        {
            var g = Row(a.G, a, i, ch);
            var x = Row(a.X, a, i, ch);
            var dx = new Span<float>(a.Y + ((long)i * a.C + ch) * a.S, a.S);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vm = new Vector<float>(mean);
                var vgm = new Vector<float>(gradMean);
                var vk = new Vector<float>(k);
                var vi = new Vector<float>(invStd);
                var vw = new Vector<float>(weight);
                var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
                var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
                var dv = MemoryMarshal.Cast<float, Vector<float>>(dx);
                for (int e = 0; e < gv.Length; e++) dv[e] = (gv[e] - vgm - (xv[e] - vm) * vk) * vi * vw;
                j = gv.Length * Vector<float>.Count;
            }
            for (; j < g.Length; j++) dx[j] = (g[j] - gradMean - (x[j] - mean) * k) * invStd * weight;
        }
    }

    private static double RowSum(ReadOnlySpan<float> x)
    {
        int j = 0;
        float total = 0f;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int k = 0; k < xv.Length; k++) acc += xv[k];
            total = Vector.Sum(acc);
            j = xv.Length * Vector<float>.Count;
        }
        double sum = total;
        for (; j < x.Length; j++) sum += x[j];
        return sum;
    }

    private static double RowSquaredDeviations(ReadOnlySpan<float> x, float mean)
    {
        int j = 0;
        float total = 0f;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var vm = new Vector<float>(mean);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int k = 0; k < xv.Length; k++)
            {
                var d = xv[k] - vm;
                acc += d * d;
            }
            total = Vector.Sum(acc);
            j = xv.Length * Vector<float>.Count;
        }
        double sum = total;
        for (; j < x.Length; j++)
        {
            double d = x[j] - mean;
            sum += d * d;
        }
        return sum;
    }

    private static (double SumG, double Dot) RowGradientSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float mean)
    {
        int j = 0;
        float totalG = 0f, totalDot = 0f;
        if (Vector.IsHardwareAccelerated && g.Length >= Vector<float>.Count)
        {
            var accG = Vector<float>.Zero;
            var accDot = Vector<float>.Zero;
            var vm = new Vector<float>(mean);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int k = 0; k < gv.Length; k++)
            {
                accG += gv[k];
                accDot += gv[k] * (xv[k] - vm);
            }
            totalG = Vector.Sum(accG);
            totalDot = Vector.Sum(accDot);
            j = gv.Length * Vector<float>.Count;
        }
        double sumG = totalG, dot = totalDot;
        for (; j < g.Length; j++)
        {
            sumG += g[j];
            dot += (double)g[j] * (x[j] - mean);
        }
        return (sumG, dot);
    }

    // [N, C] inputs (S = 1): a channel is a strided column, so these walk the rows and keep one
    // accumulator per channel; the per-element formulas are the same as the row kernels'.

    private static void ColumnStatistics(ReadOnlySpan<float> x, int n, int c, Span<float> mean, Span<float> variance)
    {
        var acc = new double[c];
        for (int i = 0; i < n; i++) AddColumns(x.Slice(i * c, c), acc);
        for (int ch = 0; ch < c; ch++) mean[ch] = (float)(acc[ch] / n);
        Array.Clear(acc);
        var deviation = new float[c];
        for (int i = 0; i < n; i++)
        {
            var row = x.Slice(i * c, c);
            for (int ch = 0; ch < c; ch++) deviation[ch] = row[ch] - mean[ch];
            AddColumnProducts(deviation, deviation, acc);
        }
        for (int ch = 0; ch < c; ch++) variance[ch] = (float)(acc[ch] / n);
    }

    /// <summary>acc[j] += row[j], widened to double.</summary>
    private static void AddColumns(ReadOnlySpan<float> row, Span<double> acc)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var rv = MemoryMarshal.Cast<float, Vector<float>>(row);
            var av = MemoryMarshal.Cast<double, Vector<double>>(acc);
            for (int k = 0; k < rv.Length; k++)
            {
                Vector.Widen(rv[k], out var lo, out var hi);
                av[2 * k] += lo;
                av[2 * k + 1] += hi;
            }
            j = rv.Length * Vector<float>.Count;
        }
        for (; j < row.Length; j++) acc[j] += row[j];
    }

    /// <summary>acc[j] += a[j]·b[j], the product taken in double.</summary>
    private static void AddColumnProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<double> acc)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var aw = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bw = MemoryMarshal.Cast<float, Vector<float>>(b);
            var av = MemoryMarshal.Cast<double, Vector<double>>(acc);
            for (int k = 0; k < aw.Length; k++)
            {
                Vector.Widen(aw[k], out var alo, out var ahi);
                Vector.Widen(bw[k], out var blo, out var bhi);
                av[2 * k] += alo * blo;
                av[2 * k + 1] += ahi * bhi;
            }
            j = aw.Length * Vector<float>.Count;
        }
        for (; j < a.Length; j++) acc[j] += (double)a[j] * b[j];
    }

    private static void ColumnNormalize(ReadOnlySpan<float> x, int n, int c, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        for (int i = 0; i < n; i++)
        {
            var xr = x.Slice(i * c, c);
            var yr = y.Slice(i * c, c);
            for (int ch = 0; ch < c; ch++)
                yr[ch] = (xr[ch] - mean[ch]) * invStd[ch] * (weight.IsEmpty ? 1f : weight[ch]) + (bias.IsEmpty ? 0f : bias[ch]);
        }
    }

    private static void ColumnBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, int n, int c, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> invStd, ReadOnlySpan<float> weight, bool training, Span<float> sumG, Span<float> dot, Span<float> gradInput)
    {
        var accG = new double[c];
        var accDot = new double[c];
        var deviation = new float[c];
        for (int i = 0; i < n; i++)
        {
            var gr = g.Slice(i * c, c);
            var xr = x.Slice(i * c, c);
            for (int ch = 0; ch < c; ch++) deviation[ch] = xr[ch] - mean[ch];
            AddColumns(gr, accG);
            AddColumnProducts(gr, deviation, accDot);
        }
        for (int ch = 0; ch < c; ch++)
        {
            sumG[ch] = (float)accG[ch];
            dot[ch] = (float)accDot[ch];
        }
        if (gradInput.IsEmpty) return;
        var gradMean = new float[c];
        var k = new float[c];
        if (training)
            for (int ch = 0; ch < c; ch++)
            {
                gradMean[ch] = (float)(accG[ch] / n);
                k[ch] = (float)(accDot[ch] / n) * invStd[ch] * invStd[ch];
            }
        for (int i = 0; i < n; i++)
        {
            var gr = g.Slice(i * c, c);
            var xr = x.Slice(i * c, c);
            var dr = gradInput.Slice(i * c, c);
            for (int ch = 0; ch < c; ch++)
                dr[ch] = (gr[ch] - gradMean[ch] - (xr[ch] - mean[ch]) * k[ch]) * invStd[ch] * (weight.IsEmpty ? 1f : weight[ch]);
        }
    }
}
