using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// eˣ for the shifted scores of a softmax (x ≤ 0, −∞ for a masked key), within 1 ulp of the exact value (checked
/// against double over [−87, 0.5]). <see cref="Vector512.Exp(Vector512{float})"/> computes in double to be
/// correctly rounded nearly everywhere and took 2.4 times as long (measured on a Xeon, model 207): at a transformer
/// block's 64 × 64 scores per head that was a tenth of its attention. Cody-Waite reduction x = n·ln 2 + r, a
/// degree-7 polynomial for eʳ (Cephes' expf), and n added to the exponent; below −87.3, where eˣ is not a normal
/// float, the result is 0, so a masked key weighs exactly nothing.
/// </summary>
internal static class SoftmaxExp
{
    private const float Lowest = -87.3f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var clamped = Vector512.Max(x, Vector512.Create(Lowest));
        var n = Vector512.Round(clamped * Vector512.Create(1.44269504f));
        // ln 2 in two parts, the first exact in float, so n·ln 2 is subtracted without rounding away r.
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693145751953125f), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-1.428606765330187045e-06f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        // n is a whole number in [−126, 128) here, so the plain conversion is exact; the saturating one adds a
        // fix-up, a compare and a blend per vector for NaN and out-of-range values that cannot occur.
        var scale = ((Vector512.ConvertToInt32Native(n) + Vector512.Create(127)) << 23).AsSingle();
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Lowest)), Vector512<float>.Zero, p * scale);
    }

    /// <summary>
    /// The AVX2 twin of <see cref="Exp(Vector512{float})"/>: the same steps lane by lane, so a lane's bits are the
    /// same at either width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var clamped = Vector256.Max(x, Vector256.Create(Lowest));
        var n = Vector256.Round(clamped * Vector256.Create(1.44269504f));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693145751953125f), clamped);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-1.428606765330187045e-06f), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var scale = ((Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Lowest)), Vector256<float>.Zero, p * scale);
    }

    /// <summary>
    /// The largest of <paramref name="x"/>'s lanes. <see cref="Vector512.MaxNative{T}(Vector512{T}, Vector512{T})"/>
    /// is one instruction where Max orders −0 below +0 and propagates NaN with three: the shifted scores
    /// x − max are the same either way (±0 give e⁰ = 1, and a NaN score still turns its row's sum to NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMax(Vector512<float> x) =>
        HorizontalMax(Vector256.MaxNative(x.GetLower(), x.GetUpper()));

    /// <summary>As the 512-bit overload, for AVX2's vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HorizontalMax(Vector256<float> x)
    {
        var quarter = Vector128.MaxNative(x.GetLower(), x.GetUpper());
        quarter = Vector128.MaxNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        return Vector128.MaxNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }

    /// <summary>The scalar twin of <see cref="Exp(Vector512{float})"/>, for the elements past a row's last whole vector.</summary>
    public static float Exp(float x) => x < Lowest ? 0f : Exp(Vector256.Create(x)).ToScalar();
}
