using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// The elementwise part of one time step of the recurrent cells (Elman RNN, LSTM, GRU), forward and
/// backward through time, on [N, G·H] rows of pre-activations. The matrix products around them are GEMMs
/// in the time loops (<see cref="RecurrentSteps"/>); these loops only combine gates, so each writes its destinations once and allocates nothing.
/// Row r's gates are G contiguous blocks of H, so each gate of a row is one span: the transcendentals run
/// as whole-slice calls (<see cref="GateFunctions"/>; exp and tanh per element dominated the scalar loop), and the
/// combining arithmetic is one fused pass per row whose scalar tail computes exactly what its vector body
/// does. The LSTM's steps split their batch rows over threads above <see cref="MinGateElementsPerPart"/>; a
/// row's arithmetic is the same whichever part holds it, so the split never changes a result.
/// </summary>
internal static unsafe class RecurrentKernel
{
    /// <summary>
    /// Gate elements (N·4H) per part of an LSTM step: about 5 µs of transcendentals, so a hand-off (a
    /// microsecond) pays. The benchmark's step (N 32, H 128) has 16K and splits over two threads.
    /// </summary>
    internal const int MinGateElementsPerPart = 4096;

    private struct LstmArgs
    {
        public float* Gates, Bias, CPrev, C, H, Dh, DcCarry, DGates;
        public int N, Hidden, Parts;
    }

    private static int LstmParts(int n, int hidden) => ParallelPartition.Parts((long)n * 4 * hidden, MinGateElementsPerPart, n);

    private static void ForwardPart(int part, void* state)
    {
        ref readonly var a = ref *(LstmArgs*)state;
        var (r0, r1) = ParallelPartition.Range(a.N, a.Parts, part);
        int hidden = a.Hidden, w = 4 * hidden;
        if (r1 > r0)
            LstmForwardRows(r1 - r0, hidden, new Span<float>(a.Gates + (long)r0 * w, (r1 - r0) * w), a.Bias == null ? default : new ReadOnlySpan<float>(a.Bias, w),
                new ReadOnlySpan<float>(a.CPrev + (long)r0 * hidden, (r1 - r0) * hidden),
                new Span<float>(a.C + (long)r0 * hidden, (r1 - r0) * hidden), new Span<float>(a.H + (long)r0 * hidden, (r1 - r0) * hidden));
    }

    private static void BackwardPart(int part, void* state)
    {
        ref readonly var a = ref *(LstmArgs*)state;
        var (r0, r1) = ParallelPartition.Range(a.N, a.Parts, part);
        int hidden = a.Hidden, w = 4 * hidden, rows = r1 - r0;
        long e = (long)r0 * hidden;
        if (r1 > r0)
            LstmBackwardRows(rows, hidden, new ReadOnlySpan<float>(a.Gates + (long)r0 * w, rows * w),
                new ReadOnlySpan<float>(a.CPrev + e, rows * hidden), new ReadOnlySpan<float>(a.C + e, rows * hidden),
                new ReadOnlySpan<float>(a.Dh + e, rows * hidden), new Span<float>(a.DcCarry + e, rows * hidden), new Span<float>(a.DGates + (long)r0 * w, rows * w));
    }
    /// <summary>h = tanh(a) or relu(a), elementwise over [N, H], in place: the pre-activation a comes in <paramref name="h"/>.</summary>
    public static void RnnForward(Span<float> h, bool relu)
    {
        if (relu) ActivationKernel.ReluForward(h, h);
        else GateFunctions.Tanh(h, h);
    }

    /// <summary>The pre-activation's gradient from the output h and its gradient dh.</summary>
    public static void RnnBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, bool relu, Span<float> da)
    {
        if (relu)
        {
            ActivationKernel.ReluBackward(dh, h, da);
            return;
        }
        int i = 0;
        for (; i <= da.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var hv = new Vector<float>(h[i..]);
            (new Vector<float>(dh[i..]) * (Vector<float>.One - hv * hv)).CopyTo(da[i..]);
        }
        for (; i < da.Length; i++) da[i] = dh[i] * (1f - h[i] * h[i]);
    }

    /// <summary>
    /// LSTM step, gates in PyTorch's order i, f, g, o: c = f∘c_prev + i∘g, h = o∘tanh(c). The gates' pre-activations
    /// [N, 4H] come in <paramref name="gates"/>, <paramref name="bias"/> [4H] (empty: none) is added to each row,
    /// and they are activated in place, kept there for the backward.
    /// </summary>
    public static void LstmForward(int n, int hidden, Span<float> gates, ReadOnlySpan<float> bias, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h)
    {
        int parts = LstmParts(n, hidden);
        if (parts == 1)
        {
            LstmForwardRows(n, hidden, gates, bias, cPrev, c, h);
            return;
        }
        fixed (float* pg = gates, pb = bias, pcp = cPrev, pc = c, ph = h)
        {
            var args = new LstmArgs { Gates = pg, Bias = bias.IsEmpty ? null : pb, CPrev = pcp, C = pc, H = ph, N = n, Hidden = hidden, Parts = parts };
            ParallelPool.Run(parts, &ForwardPart, &args);
        }
    }

    private static void LstmForwardRows(int n, int hidden, Span<float> gates, ReadOnlySpan<float> bias, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h)
    {
        int width = 4 * hidden;
        if (LstmGates512.IsSupported)
        {
            fixed (float* pg = gates, pb = bias, pcp = cPrev, pc = c, ph = h)
                for (int r = 0; r < n; r++)
                    LstmGates512.Forward(hidden, pg + (long)r * width, bias.IsEmpty ? null : pb, pcp + (long)r * hidden, pc + (long)r * hidden, ph + (long)r * hidden);
            return;
        }
        for (int r = 0; r < n; r++)
        {
            var row = gates.Slice(r * width, width);
            if (!bias.IsEmpty) TensorPrimitives.Add(row, bias, row);
            // i and f are adjacent, so one sigmoid call covers both.
            GateFunctions.Sigmoid(row[..(2 * hidden)], row[..(2 * hidden)]);
            var g = row.Slice(2 * hidden, hidden);
            GateFunctions.Tanh(g, g);
            var o = row.Slice(3 * hidden, hidden);
            GateFunctions.Sigmoid(o, o);
            var cr = c.Slice(r * hidden, hidden);
            var hr = h.Slice(r * hidden, hidden);
            TensorPrimitives.Multiply(row.Slice(hidden, hidden), cPrev.Slice(r * hidden, hidden), cr);
            TensorPrimitives.MultiplyAdd(row[..hidden], g, cr, cr);
            GateFunctions.Tanh(cr, hr);
            TensorPrimitives.Multiply(o, hr, hr);
        }
    }

    /// <summary>
    /// LSTM step backward: from dh and the cell's gradient <paramref name="dcCarry"/> (from the next step, or from
    /// outside at the last) to the four gates' pre-activation gradients
    /// <paramref name="dGates"/> [N, 4H]; <paramref name="dcCarry"/> then holds the gradient of c_prev.
    /// </summary>
    public static void LstmBackward(int n, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> c,
        ReadOnlySpan<float> dh, Span<float> dcCarry, Span<float> dGates)
    {
        int parts = LstmParts(n, hidden);
        if (parts == 1)
        {
            LstmBackwardRows(n, hidden, gates, cPrev, c, dh, dcCarry, dGates);
            return;
        }
        fixed (float* pg = gates, pcp = cPrev, pc = c, pdh = dh, pdc = dcCarry, pdg = dGates)
        {
            var args = new LstmArgs
            {
                Gates = pg, CPrev = pcp, C = pc, Dh = pdh, DcCarry = pdc, DGates = pdg,
                N = n, Hidden = hidden, Parts = parts,
            };
            ParallelPool.Run(parts, &BackwardPart, &args);
        }
    }

    private static void LstmBackwardRows(int n, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> c,
        ReadOnlySpan<float> dh, Span<float> dcCarry, Span<float> dGates)
    {
        int width = 4 * hidden;
        if (LstmGates512.IsSupported)
        {
            fixed (float* pg = gates, pcp = cPrev, pc = c, pdh = dh, pdc = dcCarry, pdg = dGates)
                for (int r = 0; r < n; r++)
                {
                    long e = (long)r * hidden, w = (long)r * width;
                    LstmGates512.Backward(hidden, pg + w, pcp + e, pc + e, pdh + e, pdc + e, pdg + w);
                }
            return;
        }
        for (int r = 0; r < n; r++)
        {
            var gr = gates.Slice(r * width, width);
            var dr = dGates.Slice(r * width, width);
            ReadOnlySpan<float> gi = gr[..hidden], gf = gr.Slice(hidden, hidden), gg = gr.Slice(2 * hidden, hidden), go = gr.Slice(3 * hidden, hidden);
            Span<float> di = dr[..hidden], df = dr.Slice(hidden, hidden), dg = dr.Slice(2 * hidden, hidden), dO = dr.Slice(3 * hidden, hidden);
            ReadOnlySpan<float> cp = cPrev.Slice(r * hidden, hidden), dhr = dh.Slice(r * hidden, hidden);
            var dcc = dcCarry.Slice(r * hidden, hidden);
            // tanh(c) is parked in the o gate's slot, which the fused pass reads before it overwrites it.
            GateFunctions.Tanh(c.Slice(r * hidden, hidden), dO);
            int j = 0;
            for (; j <= hidden - Vector<float>.Count; j += Vector<float>.Count)
            {
                var one = Vector<float>.One;
                Vector<float> i = new(gi[j..]), f = new(gf[j..]), g = new(gg[j..]), o = new(go[j..]);
                Vector<float> tc = new(dO[j..]), d = new(dhr[j..]);
                var dc = new Vector<float>(dcc[j..]) + d * o * (one - tc * tc);
                (dc * g * i * (one - i)).CopyTo(di[j..]);
                (dc * new Vector<float>(cp[j..]) * f * (one - f)).CopyTo(df[j..]);
                (dc * i * (one - g * g)).CopyTo(dg[j..]);
                (d * tc * o * (one - o)).CopyTo(dO[j..]);
                (dc * f).CopyTo(dcc[j..]);
            }
            for (; j < hidden; j++)
            {
                float i = gi[j], f = gf[j], g = gg[j], o = go[j], tc = dO[j], d = dhr[j];
                float dc = dcc[j] + d * o * (1f - tc * tc);
                di[j] = dc * g * i * (1f - i);
                df[j] = dc * cp[j] * f * (1f - f);
                dg[j] = dc * i * (1f - g * g);
                dO[j] = d * tc * o * (1f - o);
                dcc[j] = dc * f;
            }
        }
    }

    /// <summary>
    /// GRU step, gates r, z, n: n = tanh(xn + r∘hn) with hn = W_hn·h_prev + b_hn, h = (1 − z)∘n + z∘h_prev.
    /// Keeps the activated gates [N, 3H] and hn [N, H] for the backward.
    /// </summary>
    public static void GruForward(int n, int hidden, ReadOnlySpan<float> xg, ReadOnlySpan<float> hg, ReadOnlySpan<float> hPrev,
        Span<float> gates, Span<float> hn, Span<float> h)
    {
        int width = 3 * hidden;
        for (int r = 0; r < n; r++)
        {
            var xr = xg.Slice(r * width, width);
            var hgr = hg.Slice(r * width, width);
            var row = gates.Slice(r * width, width);
            var rz = row[..(2 * hidden)];
            TensorPrimitives.Add(xr[..(2 * hidden)], hgr[..(2 * hidden)], rz);
            GateFunctions.Sigmoid(rz, rz);
            var hnr = hn.Slice(r * hidden, hidden);
            hgr.Slice(2 * hidden, hidden).CopyTo(hnr);
            var nv = row.Slice(2 * hidden, hidden);
            TensorPrimitives.MultiplyAdd(row[..hidden], hnr, xr.Slice(2 * hidden, hidden), nv);
            GateFunctions.Tanh(nv, nv);
            var z = row.Slice(hidden, hidden);
            var hr = h.Slice(r * hidden, hidden);
            var hp = hPrev.Slice(r * hidden, hidden);
            int j = 0;
            for (; j <= hidden - Vector<float>.Count; j += Vector<float>.Count)
            {
                Vector<float> zv = new(z[j..]), nvv = new(nv[j..]);
                ((Vector<float>.One - zv) * nvv + zv * new Vector<float>(hp[j..])).CopyTo(hr[j..]);
            }
            for (; j < hidden; j++) hr[j] = (1f - z[j]) * nv[j] + z[j] * hp[j];
        }
    }

    /// <summary>
    /// GRU step backward: the input side's pre-activation gradients <paramref name="dxg"/> and the hidden
    /// side's <paramref name="dhg"/> (they differ in the n gate, which the hidden side reaches through r),
    /// and the direct part of h_prev's gradient, dh∘z, into <paramref name="dhPrev"/>.
    /// </summary>
    public static void GruBackward(int n, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev,
        ReadOnlySpan<float> dh, Span<float> dxg, Span<float> dhg, Span<float> dhPrev)
    {
        int width = 3 * hidden;
        for (int r = 0; r < n; r++)
        {
            var gr = gates.Slice(r * width, width);
            ReadOnlySpan<float> gReset = gr[..hidden], gz = gr.Slice(hidden, hidden), gn = gr.Slice(2 * hidden, hidden);
            ReadOnlySpan<float> hnr = hn.Slice(r * hidden, hidden), hp = hPrev.Slice(r * hidden, hidden), dhr = dh.Slice(r * hidden, hidden);
            var xr = dxg.Slice(r * width, width);
            var hr = dhg.Slice(r * width, width);
            Span<float> xReset = xr[..hidden], xz = xr.Slice(hidden, hidden), xn = xr.Slice(2 * hidden, hidden);
            Span<float> hReset = hr[..hidden], hz = hr.Slice(hidden, hidden), hN = hr.Slice(2 * hidden, hidden);
            var dp = dhPrev.Slice(r * hidden, hidden);
            int j = 0;
            for (; j <= hidden - Vector<float>.Count; j += Vector<float>.Count)
            {
                var one = Vector<float>.One;
                Vector<float> reset = new(gReset[j..]), z = new(gz[j..]), nv = new(gn[j..]), d = new(dhr[j..]);
                var dan = d * (one - z) * (one - nv * nv);
                var dar = dan * new Vector<float>(hnr[j..]) * reset * (one - reset);
                var daz = d * (new Vector<float>(hp[j..]) - nv) * z * (one - z);
                dar.CopyTo(xReset[j..]); daz.CopyTo(xz[j..]); dan.CopyTo(xn[j..]);
                dar.CopyTo(hReset[j..]); daz.CopyTo(hz[j..]); (dan * reset).CopyTo(hN[j..]);
                (d * z).CopyTo(dp[j..]);
            }
            for (; j < hidden; j++)
            {
                float reset = gReset[j], z = gz[j], nv = gn[j], d = dhr[j];
                float dan = d * (1f - z) * (1f - nv * nv);
                float dar = dan * hnr[j] * reset * (1f - reset);
                float daz = d * (hp[j] - nv) * z * (1f - z);
                xReset[j] = dar; xz[j] = daz; xn[j] = dan;
                hReset[j] = dar; hz[j] = daz; hN[j] = dan * reset;
                dp[j] = d * z;
            }
        }
    }

    /// <summary>
    /// For the rows whose sequence ended before step <paramref name="t"/> (t ≥ lengths[r]) only: writes
    /// <paramref name="from"/> (plus <paramref name="add"/> when it is not empty) into <paramref name="to"/>,
    /// row by row, rows of to.Length / lengths.Length. Other rows are left alone.
    /// </summary>
    public static void CarryEnded(ReadOnlySpan<int> lengths, int t, ReadOnlySpan<float> from, ReadOnlySpan<float> add, Span<float> to)
    {
        int width = to.Length / lengths.Length;
        for (int r = 0; r < lengths.Length; r++)
        {
            if (t < lengths[r]) continue;
            if (add.IsEmpty) from.Slice(r * width, width).CopyTo(to.Slice(r * width, width));
            else TensorPrimitives.Add(from.Slice(r * width, width), add.Slice(r * width, width), to.Slice(r * width, width));
        }
    }

    /// <summary>Zeros the rows of <paramref name="rows"/> whose sequence ended before step <paramref name="t"/>.</summary>
    public static void ClearEnded(ReadOnlySpan<int> lengths, int t, Span<float> rows)
    {
        int width = rows.Length / lengths.Length;
        for (int r = 0; r < lengths.Length; r++)
            if (t >= lengths[r]) rows.Slice(r * width, width).Clear();
    }

    /// <summary>
    /// <paramref name="source"/> [rows, cols] transposed into <paramref name="destination"/> [cols, rows]: a weight
    /// stored [out, in] as the [in, out] operand a GEMM reads in place, row by row.
    /// </summary>
    public static void Transpose(int rows, int cols, ReadOnlySpan<float> source, Span<float> destination)
    {
        // 8 x 8 blocks in registers where AVX has them (element by element, W_hh's transpose was 0.4 % of the
        // benchmark's LSTM step); the edges, and every block without AVX, one element at a time.
        int r8 = System.Runtime.Intrinsics.X86.Avx.IsSupported ? rows & ~7 : 0, c8 = r8 > 0 ? cols & ~7 : 0;
        if (r8 > 0 && c8 > 0)
        {
            if (source.Length < rows * cols || destination.Length < rows * cols)
                throw new ArgumentException($"RecurrentKernel.Transpose: spans too short for {rows} x {cols}; got {source.Length} and {destination.Length}");
            fixed (float* s = source, d = destination)
                for (int r = 0; r < r8; r += 8)
                    for (int c = 0; c < c8; c += 8)
                        GemmPack.Transpose8x8(s + (long)r * cols + c, cols, d + (long)c * rows + r, rows);
        }
        for (int r = 0; r < rows; r++)
            for (int col = r < r8 ? c8 : 0; col < cols; col++)
                destination[col * rows + r] = source[r * cols + col];
    }

    /// <summary>Adds <paramref name="bias"/> to every row of <paramref name="rows"/>.</summary>
    public static void AddRows(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int r = 0; r < rows.Length; r += bias.Length)
            TensorPrimitives.Add(rows.Slice(r, bias.Length), bias, rows.Slice(r, bias.Length));
    }

    /// <summary>
    /// Column sums of <paramref name="rows"/> into <paramref name="destination"/>, rows in order. Threads take
    /// ranges of columns, each summed over all rows in the same order, so the split never changes a result
    /// (the bias gradient of the benchmark's LSTM, 2048 rows of 512, was 1.5 % of a step on one thread and ran
    /// on one thread of two).
    /// </summary>
    public static void SumRows(ReadOnlySpan<float> rows, Span<float> destination)
    {
        int width = destination.Length;
        if (width == 0) return;
        int parts = ParallelPartition.Parts(rows.Length, MinSumElementsPerPart, (width + 15) / 16);
        fixed (float* pr = rows, pd = destination)
        {
            var args = new SumArgs { Rows = pr, Sums = pd, Count = rows.Length / width, Width = width, Parts = parts };
            if (parts == 1) SumPart(0, &args);
            else ParallelPool.Run(parts, &SumPart, &args);
        }
    }

    /// <summary>Elements read per part of <see cref="SumRows"/>: a memory-bound pass, about 5 µs of it.</summary>
    private const int MinSumElementsPerPart = 1 << 16;

    private struct SumArgs
    {
        public float* Rows, Sums;
        public int Count, Width, Parts;
    }

    private static void SumPart(int part, void* state)
    {
        ref readonly var a = ref *(SumArgs*)state;
        var (c0, c1) = ParallelPartition.Range(a.Width, a.Parts, part, 16);
        if (c1 <= c0) return;
        var sums = new Span<float>(a.Sums + c0, c1 - c0);
        sums.Clear();
        for (long r = 0; r < a.Count; r++)
            TensorPrimitives.Add(sums, new ReadOnlySpan<float>(a.Rows + r * a.Width + c0, c1 - c0), sums);
    }
}
