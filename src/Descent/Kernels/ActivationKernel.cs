using System.Numerics;
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
}
