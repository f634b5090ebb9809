using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// 2-D pooling over independent H×W planes (N·C of them, NCHW order), with PyTorch's window rules.
/// The geometry's C is ignored: each call passes the number of planes.
/// </summary>
internal static class PoolKernel
{
    /// <summary>Input elements per part below which a pooling pass stays on one thread (a few planes of a small image).</summary>
    internal const long MinElementsPerPart = 1 << 15;

    private enum Pass { MaxForward, MaxBackward, AvgForward, AvgBackward }

    private unsafe struct Args
    {
        public Pass Pass;
        public float* Input, Output;
        public int* Indices;
        public int Planes, Parts;
        public bool CountIncludePad;
        public int DivisorOverride;
        public ConvGeometry G;
    }

    /// <summary>
    /// Max pooling (see <see cref="MaxForwardSerial"/>), split across planes: each plane is computed
    /// whole by one thread, so the split never changes a result.
    /// </summary>
    public static unsafe void MaxForward(ReadOnlySpan<float> input, int planes, in ConvGeometry g, Span<float> output, Span<int> indices)
    {
        fixed (float* pi = input, po = output)
        fixed (int* px = indices)
            Dispatch(Pass.MaxForward, pi, po, px, planes, g, countIncludePad: false, divisorOverride: 0);
    }

    /// <summary>Max pooling backward (see <see cref="MaxBackwardSerial"/>), split across planes; overwrites <paramref name="gradInput"/>.</summary>
    public static unsafe void MaxBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, int planes, in ConvGeometry g, Span<float> gradInput)
    {
        fixed (float* pg = gradOutput, pd = gradInput)
        fixed (int* px = indices)
            Dispatch(Pass.MaxBackward, pd, pg, px, planes, g, countIncludePad: false, divisorOverride: 0);
    }

    /// <summary>
    /// Average pooling (see <see cref="AvgForwardSerial"/>), split across planes; a non-zero
    /// <paramref name="divisorOverride"/> replaces every window's divisor.
    /// </summary>
    public static unsafe void AvgForward(ReadOnlySpan<float> input, int planes, in ConvGeometry g, bool countIncludePad, int divisorOverride, Span<float> output)
    {
        fixed (float* pi = input, po = output)
            Dispatch(Pass.AvgForward, pi, po, null, planes, g, countIncludePad, divisorOverride);
    }

    /// <summary>Average pooling backward (see <see cref="AvgBackwardSerial"/>), split across planes.</summary>
    public static unsafe void AvgBackward(ReadOnlySpan<float> gradOutput, int planes, in ConvGeometry g, bool countIncludePad, int divisorOverride, Span<float> gradInput)
    {
        fixed (float* pg = gradOutput, pd = gradInput)
            Dispatch(Pass.AvgBackward, pd, pg, null, planes, g, countIncludePad, divisorOverride);
    }

    /// <summary><paramref name="input"/> is the image-sized buffer, <paramref name="output"/> the pooled one, whichever way the pass runs.</summary>
    private static unsafe void Dispatch(Pass pass, float* input, float* output, int* indices, int planes, in ConvGeometry g, bool countIncludePad, int divisorOverride)
    {
        if (planes == 0) return;
        var args = new Args
        {
            Pass = pass, Input = input, Output = output, Indices = indices, Planes = planes,
            Parts = ParallelPartition.Parts((long)planes * g.H * g.W, MinElementsPerPart, planes),
            CountIncludePad = countIncludePad, DivisorOverride = divisorOverride, G = g,
        };
        if (args.Parts == 1) Part(0, &args);
        else ParallelPool.Run(args.Parts, &Part, &args);
    }

    private static unsafe void Part(int part, void* state)
    {
        ref var a = ref *(Args*)state;
        var g = a.G;
        var (start, end) = ParallelPartition.Range(a.Planes, a.Parts, part);
        int count = end - start, inPlane = g.H * g.W, outPlane = g.OutPlane;
        if (count <= 0) return;
        var image = new Span<float>(a.Input + (long)start * inPlane, count * inPlane);
        var pooled = new Span<float>(a.Output + (long)start * outPlane, count * outPlane);
        var indices = a.Indices == null ? default : new Span<int>(a.Indices + (long)start * outPlane, count * outPlane);
        switch (a.Pass)
        {
            case Pass.MaxForward: MaxForwardSerial(image, count, g, pooled, indices); break;
            case Pass.MaxBackward: MaxBackwardSerial(pooled, indices, count, g, image); break;
            case Pass.AvgForward: AvgForwardSerial(image, count, g, a.CountIncludePad, a.DivisorOverride, pooled); break;
            default: AvgBackwardSerial(pooled, count, g, a.CountIncludePad, a.DivisorOverride, image); break;
        }
    }

    /// <summary>
    /// The common 2×2 window, stride 2, no padding or dilation, every window inside the image (ceil mode
    /// on an odd size adds a clipped one): windows tile the image, so no bounds clipping is needed.
    /// </summary>
    private static bool IsHalving(in ConvGeometry g) =>
        g is { KH: 2, KW: 2, SH: 2, SW: 2, PH: 0, PW: 0, DH: 1, DW: 1 } && 2 * g.OH <= g.H && 2 * g.OW <= g.W;

    /// <summary>
    /// 2×2/2 max pooling, visiting each window in the general loop's order (row by row) with its rule
    /// (strictly greater, or NaN), so winners and ties come out identical.
    /// </summary>
    private static void MaxForwardHalving(ReadOnlySpan<float> input, int planes, in ConvGeometry g, Span<float> output, Span<int> indices)
    {
        int w = g.W, inPlane = g.H * w, oh = g.OH, ow = g.OW, outPlane = oh * ow;
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * inPlane, inPlane);
            var y = output.Slice(p * outPlane, outPlane);
            var ix = indices.Slice(p * outPlane, outPlane);
            for (int r = 0; r < oh; r++)
            {
                int top = 2 * r * w;
                var row0 = x.Slice(top, 2 * ow);
                var row1 = x.Slice(top + w, 2 * ow);
                var yr = y.Slice(r * ow, ow);
                var ir = ix.Slice(r * ow, ow);
                int c = Avx2.IsSupported ? MaxRowAvx2(row0, row1, top, w, yr, ir) : 0;
                for (; c < yr.Length; c++)
                {
                    int j = 2 * c;
                    float best = row0[j];
                    int at = top + j;
                    float v = row0[j + 1];
                    if (v > best || float.IsNaN(v)) { best = v; at = top + j + 1; }
                    v = row1[j];
                    if (v > best || float.IsNaN(v)) { best = v; at = top + w + j; }
                    v = row1[j + 1];
                    if (v > best || float.IsNaN(v)) { best = v; at = top + w + j + 1; }
                    yr[c] = best;
                    ir[c] = at;
                }
            }
        }
    }

    /// <summary>
    /// Eight (then four) windows at a time of one output row: the even and odd columns are split with
    /// one permute per eight inputs, then the four candidates are taken in the scalar order with the
    /// same rule, branch-free (random data makes the scalar branches mispredict half the time). A
    /// ragged end is covered by one more block that overlaps the last one (recomputing a few outputs
    /// identically). Returns the number of outputs done: all of them, or 0 for rows under four.
    /// </summary>
    private static int MaxRowAvx2(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, int top, int w, Span<float> y, Span<int> indices)
    {
        int ow = y.Length;
        if (ow < 4) return 0;
        ref float r0 = ref MemoryMarshal.GetReference(row0);
        ref float r1 = ref MemoryMarshal.GetReference(row1);
        ref float yd = ref MemoryMarshal.GetReference(y);
        ref int id = ref MemoryMarshal.GetReference(indices);
        if (ow >= 8)
        {
            for (int c = 0; ; c += 8)
            {
                if (c + 8 > ow) c = ow - 8;
                Max8(ref r0, ref r1, top, w, c, ref yd, ref id);
                if (c + 8 == ow) break;
            }
        }
        else
        {
            Max4(ref r0, ref r1, top, w, 0, ref yd, ref id);
            Max4(ref r0, ref r1, top, w, ow - 4, ref yd, ref id);
        }
        return ow;
    }

    private static void Max8(ref float r0, ref float r1, int top, int w, int c, ref float yd, ref int id)
    {
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        nuint j = (nuint)(2 * c);
        var p0 = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref r0, j), split);
        var p1 = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref r0, j + 8), split);
        var q0 = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref r1, j), split);
        var q1 = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref r1, j + 8), split);
        var best = Vector256.Create(p0.GetLower(), p1.GetLower());
        var atA = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + Vector256.Create(top + 2 * c);
        var at = atA;
        Take(ref best, ref at, Vector256.Create(p0.GetUpper(), p1.GetUpper()), atA + Vector256<int>.One);
        Take(ref best, ref at, Vector256.Create(q0.GetLower(), q1.GetLower()), atA + Vector256.Create(w));
        Take(ref best, ref at, Vector256.Create(q0.GetUpper(), q1.GetUpper()), atA + Vector256.Create(w + 1));
        best.StoreUnsafe(ref yd, (nuint)c);
        at.StoreUnsafe(ref id, (nuint)c);

        static void Take(ref Vector256<float> best, ref Vector256<int> at, Vector256<float> v, Vector256<int> index)
        {
            // v > best, or v is NaN (v != v).
            var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
            best = Vector256.ConditionalSelect(take, v, best);
            at = Vector256.ConditionalSelect(take.AsInt32(), index, at);
        }
    }

    private static void Max4(ref float r0, ref float r1, int top, int w, int c, ref float yd, ref int id)
    {
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        nuint j = (nuint)(2 * c);
        var p = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref r0, j), split);
        var q = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref r1, j), split);
        var best = p.GetLower();
        var atA = Vector128.Create(0, 2, 4, 6) + Vector128.Create(top + 2 * c);
        var at = atA;
        Take(ref best, ref at, p.GetUpper(), atA + Vector128<int>.One);
        Take(ref best, ref at, q.GetLower(), atA + Vector128.Create(w));
        Take(ref best, ref at, q.GetUpper(), atA + Vector128.Create(w + 1));
        best.StoreUnsafe(ref yd, (nuint)c);
        at.StoreUnsafe(ref id, (nuint)c);

        static void Take(ref Vector128<float> best, ref Vector128<int> at, Vector128<float> v, Vector128<int> index)
        {
            var take = Vector128.GreaterThan(v, best) | ~Vector128.Equals(v, v);
            best = Vector128.ConditionalSelect(take, v, best);
            at = Vector128.ConditionalSelect(take.AsInt32(), index, at);
        }
    }

    /// <summary>2×2/2 average pooling, summing in the general loop's order (from 0, row by row) so results match it bit for bit.</summary>
    private static void AvgForwardHalving(ReadOnlySpan<float> input, int planes, in ConvGeometry g, Span<float> output)
    {
        int w = g.W, inPlane = g.H * w, oh = g.OH, ow = g.OW, outPlane = oh * ow;
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * inPlane, inPlane);
            var y = output.Slice(p * outPlane, outPlane);
            for (int r = 0; r < oh; r++)
            {
                var row0 = x.Slice(2 * r * w, 2 * ow);
                var row1 = x.Slice(2 * r * w + w, 2 * ow);
                var yr = y.Slice(r * ow, ow);
                for (int c = 0; c < yr.Length; c++)
                {
                    int j = 2 * c;
                    yr[c] = (0f + row0[j] + row0[j + 1] + row1[j] + row1[j + 1]) / 4f;
                }
            }
        }
    }

    /// <summary>2×2/2 average pooling backward: windows do not overlap, so each input gets exactly one share.</summary>
    private static void AvgBackwardHalving(ReadOnlySpan<float> gradOutput, int planes, in ConvGeometry g, Span<float> gradInput)
    {
        int w = g.W, inPlane = g.H * w, oh = g.OH, ow = g.OW, outPlane = oh * ow;
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * inPlane, inPlane);
            var dy = gradOutput.Slice(p * outPlane, outPlane);
            for (int r = 0; r < oh; r++)
            {
                var row0 = dx.Slice(2 * r * w, 2 * ow);
                var row1 = dx.Slice(2 * r * w + w, 2 * ow);
                var dr = dy.Slice(r * ow, ow);
                for (int c = 0; c < dr.Length; c++)
                {
                    float share = dr[c] / 4f;
                    int j = 2 * c;
                    row0[j] += share;
                    row0[j + 1] += share;
                    row1[j] += share;
                    row1[j + 1] += share;
                }
            }
        }
    }

    /// <summary>
    /// Max pooling. Padding acts as −∞ (never chosen); a NaN in a window wins (the last one, as in PyTorch's CPU kernel). Writes each
    /// output's winning position within its plane (h·W + w, PyTorch's index convention) to <paramref name="indices"/>.
    /// </summary>
    private static void MaxForwardSerial(ReadOnlySpan<float> input, int planes, in ConvGeometry g, Span<float> output, Span<int> indices)
    {
        if (IsHalving(g))
        {
            MaxForwardHalving(input, planes, g, output, indices);
            return;
        }
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * inPlane, inPlane);
            var y = output.Slice(p * outPlane, outPlane);
            var ix = indices.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < g.OH; oh++)
            {
                var (h0, h1) = Taps(oh * g.SH - g.PH, g.DH, g.KH, g.H);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (w0, w1) = Taps(ow * g.SW - g.PW, g.DW, g.KW, g.W);
                    float best = float.NegativeInfinity;
                    int bestIndex = h0 * g.W + w0;
                    for (int h = h0; h < h1; h += g.DH)
                    {
                        for (int w = w0; w < w1; w += g.DW)
                        {
                            float v = x[h * g.W + w];
                            if (v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestIndex = h * g.W + w;
                            }
                        }
                    }
                    y[oh * g.OW + ow] = best;
                    ix[oh * g.OW + ow] = bestIndex;
                }
            }
        }
    }

    /// <summary>
    /// The taps start, start + dilation, ... (kernel of them) that fall inside [0, length), as a first tap
    /// and an exclusive end to step through by <paramref name="dilation"/>; PyTorch steps a start in the
    /// padding forward by whole dilations, so the first tap read is the first one inside.
    /// </summary>
    private static (int First, int End) Taps(int start, int dilation, int kernel, int length)
    {
        int end = Math.Min(start + (kernel - 1) * dilation + 1, length);
        while (start < 0) start += dilation;
        return (start, Math.Max(start, end));
    }

    /// <summary>
    /// Max pooling backward: each output gradient goes to its saved winner (accumulating where windows
    /// overlap) and every other input gets 0; overwrites <paramref name="gradInput"/>.
    /// </summary>
    private static void MaxBackwardSerial(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, int planes, in ConvGeometry g, Span<float> gradInput)
    {
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        // Clearing and then scattering beats writing each window's four inputs once: the winner is
        // random, so that loop's selects compile to branches that mispredict (measured 8x slower).
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * inPlane, inPlane);
            var dy = gradOutput.Slice(p * outPlane, outPlane);
            var ix = indices.Slice(p * outPlane, outPlane);
            dx.Clear();
            for (int i = 0; i < outPlane; i++) dx[ix[i]] += dy[i];
        }
    }

    /// <summary>
    /// Average pooling. The divisor follows PyTorch: with <paramref name="countIncludePad"/> it is the
    /// window's size clipped to the padded input (the full kernel area when ceil mode is off); otherwise
    /// the number of real input elements in the window.
    /// </summary>
    private static void AvgForwardSerial(ReadOnlySpan<float> input, int planes, in ConvGeometry g, bool countIncludePad, int divisorOverride, Span<float> output)
    {
        if (IsHalving(g) && divisorOverride == 0)
        {
            AvgForwardHalving(input, planes, g, output);
            return;
        }
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * inPlane, inPlane);
            var y = output.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < g.OH; oh++)
            {
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (h0, h1, w0, w1, divisor) = AvgWindow(oh, ow, g, countIncludePad, divisorOverride);
                    float sum = 0f;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++) sum += x[h * g.W + w];
                    y[oh * g.OW + ow] = sum / divisor;
                }
            }
        }
    }

    /// <summary>Average pooling backward: each output gradient is spread evenly (÷ divisor) over its window.</summary>
    private static void AvgBackwardSerial(ReadOnlySpan<float> gradOutput, int planes, in ConvGeometry g, bool countIncludePad, int divisorOverride, Span<float> gradInput)
    {
        if (IsHalving(g) && divisorOverride == 0)
        {
            AvgBackwardHalving(gradOutput, planes, g, gradInput);
            return;
        }
        int inPlane = g.H * g.W, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * inPlane, inPlane);
            var dy = gradOutput.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < g.OH; oh++)
            {
                for (int ow = 0; ow < g.OW; ow++)
                {
                    var (h0, h1, w0, w1, divisor) = AvgWindow(oh, ow, g, countIncludePad, divisorOverride);
                    float share = dy[oh * g.OW + ow] / divisor;
                    for (int h = h0; h < h1; h++)
                        for (int w = w0; w < w1; w++) dx[h * g.W + w] += share;
                }
            }
        }
    }

    private static (int H0, int H1, int W0, int W1, int Divisor) AvgWindow(int oh, int ow, in ConvGeometry g, bool countIncludePad, int divisorOverride)
    {
        int h0 = oh * g.SH - g.PH, w0 = ow * g.SW - g.PW;
        int h1 = Math.Min(h0 + g.KH, g.H + g.PH), w1 = Math.Min(w0 + g.KW, g.W + g.PW);
        int padded = (h1 - h0) * (w1 - w0);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
        h1 = Math.Min(h1, g.H);
        w1 = Math.Min(w1, g.W);
        int divisor = divisorOverride != 0 ? divisorOverride : countIncludePad ? padded : (h1 - h0) * (w1 - w0);
        return (h0, h1, w0, w1, divisor);
    }

    /// <summary>
    /// Adaptive average pooling of [planes, H, W] to [planes, OH, OW] with PyTorch's bins: output i
    /// averages input rows floor(i·H/OH) to ceil((i+1)·H/OH), so bins overlap when the sizes do not divide.
    /// </summary>
    public static void AdaptiveAvgForward(ReadOnlySpan<float> input, int planes, int h, int w, int oh, int ow, Span<float> output)
    {
        for (int p = 0; p < planes; p++)
        {
            var x = input.Slice(p * h * w, h * w);
            var y = output.Slice(p * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            {
                var (h0, h1) = AdaptiveBin(i, h, oh);
                for (int j = 0; j < ow; j++)
                {
                    var (w0, w1) = AdaptiveBin(j, w, ow);
                    float sum = 0f;
                    for (int r = h0; r < h1; r++)
                        for (int c = w0; c < w1; c++) sum += x[r * w + c];
                    y[i * ow + j] = sum / ((h1 - h0) * (w1 - w0));
                }
            }
        }
    }

    /// <summary>Adaptive average pooling backward: each output gradient spread evenly over its bin.</summary>
    public static void AdaptiveAvgBackward(ReadOnlySpan<float> gradOutput, int planes, int h, int w, int oh, int ow, Span<float> gradInput)
    {
        for (int p = 0; p < planes; p++)
        {
            var dx = gradInput.Slice(p * h * w, h * w);
            var dy = gradOutput.Slice(p * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            {
                var (h0, h1) = AdaptiveBin(i, h, oh);
                for (int j = 0; j < ow; j++)
                {
                    var (w0, w1) = AdaptiveBin(j, w, ow);
                    float share = dy[i * ow + j] / ((h1 - h0) * (w1 - w0));
                    for (int r = h0; r < h1; r++)
                        for (int c = w0; c < w1; c++) dx[r * w + c] += share;
                }
            }
        }
    }

    /// <summary>PyTorch's adaptive bin [floor(i·in/out), ceil((i+1)·in/out)).</summary>
    public static (int Start, int End) AdaptiveBin(int i, int input, int output) =>
        ((int)((long)i * input / output), (int)(((long)(i + 1) * input + output - 1) / output));
}
