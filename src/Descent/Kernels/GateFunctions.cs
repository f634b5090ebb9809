using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// σ and tanh over spans for the recurrent cells' gates, evaluated in single precision: e^x by Cody-Waite
/// reduction and Cephes' degree-5 polynomial, σ(x) = 1 / (1 + e^−x), and tanh as Cephes' odd polynomial
/// below |x| = 0.625 and 1 − 2 / (e^2|x| + 1) above, so it keeps its relative accuracy near 0. Within 3 ulp
/// of the exact values (tests). TensorPrimitives' Sigmoid and Tanh (System.Numerics.Tensors 11) evaluate e^x
/// in double precision, which made the gates a seventh of an LSTM step (measured 1.3-1.4x slower for σ over
/// rows of 128-256), and its tanh loses relative accuracy near 0 (tanh(1e-6) = 9.54e-7 on AVX-512).
/// A span's last, partial vector is computed in a padded vector, so an element's value never depends on
/// where it falls in a span. Where neither 512- nor 256-bit vectors are accelerated (and FMA may be missing),
/// TensorPrimitives computes σ, with its own accuracy and its scalar tails, and tanh is double precision's
/// rounded to float: TensorPrimitives' tanh is as far off near 0 on its 128-bit path (tanh(0) = −6e-8).
/// </summary>
/// <example><code>
/// GateFunctions.Sigmoid(gates[..(2 * hidden)], gates[..(2 * hidden)]); // in place
/// </code></example>
internal static class GateFunctions
{
    /// <summary>Whether this CPU runs the single-precision vector code (false: TensorPrimitives for σ, double precision for tanh).</summary>
    public static bool IsVectorized => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>y = 1 / (1 + e^−x), elementwise; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        Check(x, y);
        if (Vector512.IsHardwareAccelerated) Run512<SigmoidOp>(x, y);
        else if (Vector256.IsHardwareAccelerated) Run256<SigmoidOp>(x, y);
        else TensorPrimitives.Sigmoid(x, y);
    }

    /// <summary>y = tanh(x), elementwise; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        Check(x, y);
        if (Vector512.IsHardwareAccelerated) Run512<TanhOp>(x, y);
        else if (Vector256.IsHardwareAccelerated) Run256<TanhOp>(x, y);
        else for (int i = 0; i < x.Length; i++) y[i] = (float)Math.Tanh(x[i]);
    }

    /// <summary>σ of one 512-bit vector, as <see cref="Sigmoid(ReadOnlySpan{float}, Span{float})"/> computes each vector of a span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sigmoid(Vector512<float> x) => SigmoidOp.Apply(x);

    /// <summary>tanh of one 512-bit vector, as <see cref="Tanh(ReadOnlySpan{float}, Span{float})"/> computes each vector of a span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tanh(Vector512<float> x) => TanhOp.Apply(x);

    private interface IGate
    {
        static abstract Vector512<float> Apply(Vector512<float> x);
        static abstract Vector256<float> Apply(Vector256<float> x);
    }

    private struct SigmoidOp : IGate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));
    }

    private struct TanhOp : IGate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x)
        {
            var ax = Vector512.Abs(x);
            var z = x * x;
            var p = Vector512.FusedMultiplyAdd(Vector512.Create(T4), z, Vector512.Create(T3));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(T2));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(T1));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(T0));
            var small = Vector512.FusedMultiplyAdd(p * z, x, x);
            var large = Vector512.FusedMultiplyAdd(Vector512.Create(-2f), Vector512<float>.One / (Exp(ax + ax) + Vector512<float>.One), Vector512<float>.One);
            // x's sign on both branches: the polynomial's own would turn tanh(−0) into +0.
            var magnitude = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(SmallTanh)), small, large);
            return Vector512.ConditionalSelect(Vector512.Create(-0f), x, magnitude);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x)
        {
            var ax = Vector256.Abs(x);
            var z = x * x;
            var p = Vector256.FusedMultiplyAdd(Vector256.Create(T4), z, Vector256.Create(T3));
            p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(T2));
            p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(T1));
            p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(T0));
            var small = Vector256.FusedMultiplyAdd(p * z, x, x);
            var large = Vector256.FusedMultiplyAdd(Vector256.Create(-2f), Vector256<float>.One / (Exp(ax + ax) + Vector256<float>.One), Vector256<float>.One);
            // x's sign on both branches: the polynomial's own would turn tanh(−0) into +0.
            var magnitude = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(SmallTanh)), small, large);
            return Vector256.ConditionalSelect(Vector256.Create(-0f), x, magnitude);
        }
    }

    // Cephes' tanhf: tanh(x) = x + x·z·P(z), z = x², for |x| < 0.625.
    private const float SmallTanh = 0.625f, T4 = -5.70498872745e-3f, T3 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
        T1 = 1.33314422036e-1f, T0 = -3.33332819422e-1f;

    // Cephes' expf: x = n·ln 2 + r with ln 2 in two parts, e^r = 1 + r + r²·P(r).
    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f,
        E5 = 1.9875691500e-4f, E4 = 1.3981999507e-3f, E3 = 8.3334519073e-3f, E2 = 4.1665795894e-2f, E1 = 1.6666665459e-1f, E0 = 5.0000001201e-1f;

    // x is clamped so that 2^n stays a normal float (n in [−126, 127]): e^88 ≈ 1.65e38 already makes σ and tanh
    // round to their limits, and below −87.3 the results would be subnormal. NaN passes through Min and Max.
    private const float ExpLow = -87.33654f, ExpHigh = 88f;

    // x·log2 e + 1.5·2^23, rounded once by the FMA, lies where floats are spaced 1 apart (the half keeps negative
    // n there too), so the sum is round(x·log2 e) plus the shift: n comes back by subtracting it, and the float's
    // bits minus the shift's are n as an integer, for 2^n's exponent. It replaces Round and the saturating
    // float-to-int conversion: the LSTM's gate kernels in 0.83-0.91 of their time (Xeon, model 207).
    private const float RoundingShift = 12582912f;
    private const int RoundingShiftBits = 0x4B400000;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
        // round(x·log2 e) and 2^n's exponent bits from one FMA: see RoundingShift.
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundingShift));
        var n = shifted - Vector512.Create(RoundingShift);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(E5), r, Vector512.Create(E4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E0));
        var e = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var scale = Vector512.ShiftLeft(shifted.AsInt32() + Vector512.Create(127 - RoundingShiftBits), 23).AsSingle();
        return e * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        // round(x·log2 e) and 2^n's exponent bits from one FMA: see RoundingShift.
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundingShift));
        var n = shifted - Vector256.Create(RoundingShift);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(E5), r, Vector256.Create(E4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E0));
        var e = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var scale = Vector256.ShiftLeft(shifted.AsInt32() + Vector256.Create(127 - RoundingShiftBits), 23).AsSingle();
        return e * scale;
    }

    private static void Run512<TGate>(ReadOnlySpan<float> x, Span<float> y) where TGate : struct, IGate
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0, n = x.Length, w = Vector512<float>.Count;
        for (; i <= n - w; i += w)
            TGate.Apply(Vector512.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        if (i == n) return;
        Span<float> tail = stackalloc float[w];
        tail.Clear();
        x[i..].CopyTo(tail);
        TGate.Apply(Vector512.Create<float>(tail)).CopyTo(tail);
        tail[..(n - i)].CopyTo(y[i..]);
    }

    private static void Run256<TGate>(ReadOnlySpan<float> x, Span<float> y) where TGate : struct, IGate
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0, n = x.Length, w = Vector256<float>.Count;
        for (; i <= n - w; i += w)
            TGate.Apply(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        if (i == n) return;
        Span<float> tail = stackalloc float[w];
        tail.Clear();
        x[i..].CopyTo(tail);
        TGate.Apply(Vector256.Create<float>(tail)).CopyTo(tail);
        tail[..(n - i)].CopyTo(y[i..]);
    }

    private static void Check(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"GateFunctions: destination shorter than source; got {y.Length} and {x.Length}");
    }
}
