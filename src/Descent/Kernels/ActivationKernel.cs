using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Single-pass elementwise activation kernels (forward and backward), each one read of its inputs and
/// one write of the destination, with the widest vector the machine has and a scalar tail that computes
/// exactly the same per element (so the vector width never changes a result).
/// </summary>
internal static class ActivationKernel
{
    /// <summary>max(x, 0), with NaN kept (as <c>torch.relu</c>).</summary>
    public static void ReluForward(ReadOnlySpan<float> x, Span<float> destination)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                // Keeps x where x > 0 or x is NaN (not x <= 0), zero elsewhere.
                Vector512.ConditionalSelect(Vector512.LessThanOrEqual(v, Vector512<float>.Zero), Vector512<float>.Zero, v).StoreUnsafe(ref d, (nuint)i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                Vector256.ConditionalSelect(Vector256.LessThanOrEqual(v, Vector256<float>.Zero), Vector256<float>.Zero, v).StoreUnsafe(ref d, (nuint)i);
            }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref xs, i);
            Unsafe.Add(ref d, i) = v <= 0f ? 0f : v;
        }
    }

    /// <summary>g where y &gt; 0 (or NaN), else 0: PyTorch's threshold_backward on the saved output.</summary>
    public static void ReluBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> y, Span<float> destination)
    {
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = g.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var mask = Vector512.LessThanOrEqual(Vector512.LoadUnsafe(ref ys, (nuint)i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(mask, Vector512<float>.Zero, Vector512.LoadUnsafe(ref gs, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var mask = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref ys, (nuint)i), Vector256<float>.Zero);
                Vector256.ConditionalSelect(mask, Vector256<float>.Zero, Vector256.LoadUnsafe(ref gs, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref ys, i) <= 0f ? 0f : Unsafe.Add(ref gs, i);
    }

    /// <summary>x where x &gt; 0, else x·slope (NaN stays NaN either way).</summary>
    public static void LeakyReluForward(ReadOnlySpan<float> x, float slope, Span<float> destination)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(slope);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * s).StoreUnsafe(ref d, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(slope);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * s).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref xs, i);
            Unsafe.Add(ref d, i) = v > 0f ? v : v * slope;
        }
    }

    /// <summary>g where x &gt; 0, else g·slope (PyTorch's leaky_relu_backward).</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float slope, Span<float> destination)
    {
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = g.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(slope);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var gv = Vector512.LoadUnsafe(ref gs, (nuint)i);
                var mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(mask, gv, gv * s).StoreUnsafe(ref d, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(slope);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gv = Vector256.LoadUnsafe(ref gs, (nuint)i);
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256<float>.Zero);
                Vector256.ConditionalSelect(mask, gv, gv * s).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gv = Unsafe.Add(ref gs, i);
            Unsafe.Add(ref d, i) = Unsafe.Add(ref xs, i) > 0f ? gv : gv * slope;
        }
    }

    /// <summary>g·(1 − y)·y, the sigmoid's gradient from its output, rounded in that order.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> y, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int k = 0; k < gv.Length; k++) dv[k] = gv[k] * (Vector<float>.One - yv[k]) * yv[k];
            i = gv.Length * Vector<float>.Count;
        }
        for (; i < g.Length; i++) destination[i] = g[i] * (1f - y[i]) * y[i];
    }

    /// <summary>g·(1 − y²), tanh's gradient from its output.</summary>
    public static void TanhBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> y, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int k = 0; k < gv.Length; k++) dv[k] = gv[k] * (Vector<float>.One - yv[k] * yv[k]);
            i = gv.Length * Vector<float>.Count;
        }
        for (; i < g.Length; i++) destination[i] = g[i] * (1f - y[i] * y[i]);
    }

    /// <summary>x for x &gt; 0, else alpha·(eˣ − 1), with eˣ − 1 in double and rounded once.</summary>
    public static void EluForward(ReadOnlySpan<float> x, float alpha, Span<float> destination)
    {
        // TensorPrimitives' ExpM1 (System.Numerics.Tensors 11) is eˣ − 1 in float: 1.2e-7 at x = 0 and 75 ulp off at
        // x = −0.015. The tail is padded into a full vector, as GeluExact's, so no element depends on its place.
        int width = Vector<float>.Count, n = x.Length, i = 0;
        for (; i <= n - width; i += width) Elu(new Vector<float>(x.Slice(i)), alpha).CopyTo(destination.Slice(i));
        if (i == n) return;
        Span<float> tail = stackalloc float[width];
        x.Slice(i).CopyTo(tail);
        Elu(new Vector<float>(tail), alpha).CopyTo(tail);
        tail.Slice(0, n - i).CopyTo(destination.Slice(i));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Elu(Vector<float> x, float alpha)
    {
        Vector.Widen(x, out var low, out var high);
        var negative = Vector.Narrow(ExpM1(low) * (double)alpha, ExpM1(high) * (double)alpha);
        return Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), x, negative);
    }

    // eˣ − 1 in double: below |x| = 1e-5 its series to x³ (the next term is 4e-21 of x), above it the difference,
    // whose cancellation costs at most 1e-11 of the result there, far below a float's rounding.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> ExpM1(Vector<double> x)
    {
        var series = x * (Vector<double>.One + x * (new Vector<double>(0.5) + x * (1.0 / 6)));
        var near = Vector.LessThan(Vector.Abs(x), new Vector<double>(1e-5));
        return Vector.ConditionalSelect(near, series, Vector.Exp(x) - Vector<double>.One);
    }

    /// <summary>g·alpha·eˣ for x &lt;= 0, else g: PyTorch's elu_backward, whose exponential branch includes 0.</summary>
    public static void EluBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float alpha, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = x[i] <= 0f ? g[i] * alpha * MathF.Exp(x[i]) : g[i];
    }

    /// <summary>g·s·(1 + x·(1 − s)) with s = sigmoid(x) saved by the forward: the derivative of x·sigmoid(x).</summary>
    public static void SiluBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> sigmoid, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = g[i] * sigmoid[i] * (1f + x[i] * (1f - sigmoid[i]));
    }

    /// <summary>log(1 + e^(beta·x)) / beta, or x where beta·x &gt; threshold (PyTorch's softplus).</summary>
    public static void SoftplusForward(ReadOnlySpan<float> x, float beta, float threshold, Span<float> destination)
    {
        // In double, with log1p(e) ≈ e for tiny e: float's log(1 + e) would round very negative inputs to 0.
        for (int i = 0; i < destination.Length; i++)
        {
            double bx = (double)x[i] * beta;
            if (bx > threshold) { destination[i] = x[i]; continue; }
            double e = Math.Exp(bx);
            destination[i] = (float)((e < 1e-8 ? e : Math.Log(1.0 + e)) / beta);
        }
    }

    /// <summary>g·sigmoid(beta·x), or g where beta·x &gt; threshold, in double and rounded once.</summary>
    public static void SoftplusBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float beta, float threshold, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double bx = (double)x[i] * beta;
            destination[i] = bx > threshold ? g[i] : (float)(g[i] / (1.0 + Math.Exp(-bx)));
        }
    }

    /// <summary>x·Φ(x), exactly through erfc or with PyTorch's tanh approximation, in double and rounded once.</summary>
    public static void GeluForward(ReadOnlySpan<float> x, bool tanh, Span<float> destination)
    {
        if (!tanh)
        {
            GeluExact(x, x, false, destination);
            return;
        }
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)GeluTanh(x[i]).Value;
    }

    /// <summary>g times the derivative of <see cref="GeluForward"/>, in double and rounded once.</summary>
    public static void GeluBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, bool tanh, Span<float> destination)
    {
        if (!tanh)
        {
            GeluExact(g, x, true, destination);
            return;
        }
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)(g[i] * GeluTanh(x[i]).Slope);
    }

    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;
    private const double SqrtTwoOverPi = 0.79788456080286535588;
    private const double GeluKappa = 0.044715;

    // The exact GELU, x·Φ(x), or g·(Φ(x) + x·φ(x)) when slope is set, in double lanes of one width
    // (Vector<double>), the tail padded into a full vector, so an element's result never depends on where it
    // falls in the span or on how threads split it. Φ(x) = erfc(−x/√2)/2 keeps its relative accuracy far into
    // the negative tail, where 1 + erf cancels. The transcendental work is vector exp, not a scalar series: the
    // GELU of a GPT's feed-forward blocks was over half of its training step with the scalar one.
    private static void GeluExact(ReadOnlySpan<float> g, ReadOnlySpan<float> x, bool slope, Span<float> destination)
    {
        int width = Vector<float>.Count, n = x.Length, i = 0;
        for (; i <= n - width; i += width)
            GeluExact(new Vector<float>(g.Slice(i)), new Vector<float>(x.Slice(i)), slope).CopyTo(destination.Slice(i));
        if (i == n) return;
        Span<float> gTail = stackalloc float[width], xTail = stackalloc float[width], dTail = stackalloc float[width];
        g.Slice(i).CopyTo(gTail);
        x.Slice(i).CopyTo(xTail);
        GeluExact(new Vector<float>(gTail), new Vector<float>(xTail), slope).CopyTo(dTail);
        dTail.Slice(0, n - i).CopyTo(destination.Slice(i));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> GeluExact(Vector<float> g, Vector<float> x, bool slope)
    {
        Vector.Widen(x, out var xLow, out var xHigh);
        if (!slope) return Vector.Narrow(xLow * NormalCdf(xLow, false, out _), xHigh * NormalCdf(xHigh, false, out _));
        Vector.Widen(g, out var gLow, out var gHigh);
        var cdfLow = NormalCdf(xLow, true, out var gaussLow);
        var cdfHigh = NormalCdf(xHigh, true, out var gaussHigh);
        return Vector.Narrow(gLow * (cdfLow + xLow * gaussLow * InvSqrt2Pi), gHigh * (cdfHigh + xHigh * gaussHigh * InvSqrt2Pi));
    }

    // Φ(x) through erfc(|x|/√2) by Numerical Recipes' Chebyshev fit (erfcc, fractional error below 1.2e-7 for every
    // argument); gauss = e^(−x²/2) when asked, which only the slope needs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> NormalCdf(Vector<double> x, bool withGauss, out Vector<double> gauss)
    {
        var z = Vector.Abs(x) * InvSqrt2;
        var t = new Vector<double>(2.0) / (new Vector<double>(2.0) + z);
        var p = new Vector<double>(0.17087277);
        p = p * t + new Vector<double>(-0.82215223);
        p = p * t + new Vector<double>(1.48851587);
        p = p * t + new Vector<double>(-1.13520398);
        p = p * t + new Vector<double>(0.27886807);
        p = p * t + new Vector<double>(-0.18628806);
        p = p * t + new Vector<double>(0.09678418);
        p = p * t + new Vector<double>(0.37409196);
        p = p * t + new Vector<double>(1.00002368);
        p = p * t + new Vector<double>(-1.26551223);
        var zz = z * z;
        gauss = withGauss ? Vector.Exp(-zz) : default;
        var half = 0.5 * t * Vector.Exp(p - zz);
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<double>.Zero), Vector<double>.One - half, half);
    }

    // The derivative as PyTorch's GeluBackward writes it: 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3κx²).
    private static (double Value, double Slope) GeluTanh(double x)
    {
        double t = Math.Tanh(SqrtTwoOverPi * (x + GeluKappa * x * x * x));
        return (0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SqrtTwoOverPi * (1 + 3 * GeluKappa * x * x));
    }
}
