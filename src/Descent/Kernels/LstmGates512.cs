using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// One LSTM row's elementwise step, forward and backward, in a single pass of 512-bit vectors: each vector of
/// hidden units loads its four gates, activates them, and finishes c and h (or the five gradients) while they are
/// in registers. Row by row calls of the span kernels made seven passes and seven calls per row, a row being only
/// 128 units in the benchmark's LSTM (measured on a Xeon, model 207, one thread, a busy host: a step's gates
/// forward and backward at N 32, H 128 from 26.3 to 24.4 µs, median of paired rounds). The arithmetic is the span kernels' (<see cref="GateFunctions"/> per vector, the same
/// products and sums in the same order), and a row's last, partial vector is computed padded with zeros, so an
/// element's value never depends on where it falls in a row.
/// </summary>
/// <example><code>
/// if (LstmGates512.IsSupported) LstmGates512.Forward(hidden, gatesRow, biasOrNull, cPrevRow, cRow, hRow);
/// </code></example>
internal static unsafe class LstmGates512
{
    private const int W = 16;

    /// <summary>Whether 512-bit vectors are accelerated on this CPU.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    /// <summary>
    /// gates [i f g o] (H each, pre-activations in, plus <paramref name="bias"/> [4H] when not null, activated
    /// out, kept for the backward); c = f∘c_prev + i∘g; h = o∘tanh(c).
    /// </summary>
    public static void Forward(int hidden, float* gates, float* bias, float* cPrev, float* c, float* h)
    {
        int j = 0;
        for (; j <= hidden - W; j += W) ForwardVector(gates + j, bias == null ? null : bias + j, hidden, cPrev + j, c + j, h + j);
        if (j == hidden) return;
        int rest = hidden - j;
        float* pad = stackalloc float[11 * W];
        float* g = pad, b = pad + 4 * W, cp = pad + 8 * W, ct = pad + 9 * W, ht = pad + 10 * W;
        Pad(gates + j, hidden, rest, g, 4);
        if (bias != null) Pad(bias + j, hidden, rest, b, 4);
        Pad(cPrev + j, 0, rest, cp, 1);
        ForwardVector(g, bias == null ? null : b, W, cp, ct, ht);
        Unpad(g, rest, gates + j, hidden, 4);
        Unpad(ct, rest, c + j, 0, 1);
        Unpad(ht, rest, h + j, 0, 1);
    }

    /// <summary>
    /// From the activated gates, c_prev, c, dh and the cell's carried gradient <paramref name="dcCarry"/> to the
    /// gates' pre-activation gradients <paramref name="dGates"/> [4H]; <paramref name="dcCarry"/> then holds c_prev's.
    /// </summary>
    public static void Backward(int hidden, float* gates, float* cPrev, float* c, float* dh, float* dcCarry, float* dGates)
    {
        int j = 0;
        for (; j <= hidden - W; j += W) BackwardVector(gates + j, hidden, cPrev + j, c + j, dh + j, dcCarry + j, dGates + j);
        if (j == hidden) return;
        int rest = hidden - j;
        float* pad = stackalloc float[12 * W];
        float* g = pad, dg = pad + 4 * W, cp = pad + 8 * W, ct = pad + 9 * W, dht = pad + 10 * W, dct = pad + 11 * W;
        Pad(gates + j, hidden, rest, g, 4);
        Pad(cPrev + j, 0, rest, cp, 1);
        Pad(c + j, 0, rest, ct, 1);
        Pad(dh + j, 0, rest, dht, 1);
        Pad(dcCarry + j, 0, rest, dct, 1);
        BackwardVector(g, W, cp, ct, dht, dct, dg);
        Unpad(dg, rest, dGates + j, hidden, 4);
        Unpad(dct, rest, dcCarry + j, 0, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardVector(float* g, float* b, int stride, float* cPrev, float* c, float* h)
    {
        var i = GateFunctions.Sigmoid(Plus(g, b));
        var f = GateFunctions.Sigmoid(Plus(g + stride, b == null ? null : b + stride));
        var gg = GateFunctions.Tanh(Plus(g + 2 * stride, b == null ? null : b + 2 * stride));
        var o = GateFunctions.Sigmoid(Plus(g + 3 * stride, b == null ? null : b + 3 * stride));
        i.Store(g);
        f.Store(g + stride);
        gg.Store(g + 2 * stride);
        o.Store(g + 3 * stride);
        var cv = i * gg + f * Vector512.Load(cPrev);
        cv.Store(c);
        (o * GateFunctions.Tanh(cv)).Store(h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Plus(float* g, float* b) => b == null ? Vector512.Load(g) : Vector512.Load(g) + Vector512.Load(b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardVector(float* g, int stride, float* cPrev, float* c, float* dh, float* dcCarry, float* dg)
    {
        var one = Vector512<float>.One;
        Vector512<float> i = Vector512.Load(g), f = Vector512.Load(g + stride), gg = Vector512.Load(g + 2 * stride), o = Vector512.Load(g + 3 * stride);
        var tc = GateFunctions.Tanh(Vector512.Load(c));
        var d = Vector512.Load(dh);
        var dc = Vector512.Load(dcCarry) + d * o * (one - tc * tc);
        (dc * gg * i * (one - i)).Store(dg);
        (dc * Vector512.Load(cPrev) * f * (one - f)).Store(dg + stride);
        (dc * i * (one - gg * gg)).Store(dg + 2 * stride);
        (d * tc * o * (one - o)).Store(dg + 3 * stride);
        (dc * f).Store(dcCarry);
    }

    /// <summary>Copies <paramref name="count"/> blocks of <paramref name="rest"/> floats, <paramref name="stride"/> apart, into zero-padded vectors.</summary>
    private static void Pad(float* from, int stride, int rest, float* to, int count)
    {
        new Span<float>(to, count * W).Clear();
        for (int b = 0; b < count; b++) new ReadOnlySpan<float>(from + b * stride, rest).CopyTo(new Span<float>(to + b * W, rest));
    }

    private static void Unpad(float* from, int rest, float* to, int stride, int count)
    {
        for (int b = 0; b < count; b++) new ReadOnlySpan<float>(from + b * W, rest).CopyTo(new Span<float>(to + b * stride, rest));
    }
}
