using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// A 16 × 16 block of floats transposed in AVX-512 registers: sixteen full-line loads and stores instead of a
/// store per value. Attention heads' B operands (<see cref="HeadGemm.Transpose"/>) and the GEMM's panels of a
/// transposed B (<see cref="GemmPack"/>) go through it.
/// </summary>
internal static unsafe class RegisterTranspose
{
    /// <summary>The side of the block: one 512-bit vector of floats.</summary>
    public const int Side = 16;

    /// <summary>
    /// The 16 × 16 block at <paramref name="src"/> (rows <paramref name="ld"/> apart) written transposed at
    /// <paramref name="dst"/> (rows <paramref name="ldd"/> apart), in four rounds: round d swaps bit d of the row
    /// index with bit d of the column index (rows r and r + d exchange their d-wide runs of columns, one
    /// two-source permute per row), so after bits 1, 2, 4 and 8 every element has moved from (r, c) to (c, r).
    /// The sixteen rows are locals, so they stay in registers: an array of them on the stack made each permute a
    /// load and a store (the 48 heads of the benchmark's transformer step, 64 × 32 each, took 58 µs that way and
    /// 18 µs this way, one thread of a Xeon model 207). Only where <see cref="Avx512F"/> is supported.
    /// </summary>
    public static void Block16(float* src, long ld, float* dst, long ldd)
    {
        var x0 = Vector512.Load(src); var x1 = Vector512.Load(src + ld);
        var x2 = Vector512.Load(src + 2 * ld); var x3 = Vector512.Load(src + 3 * ld);
        var x4 = Vector512.Load(src + 4 * ld); var x5 = Vector512.Load(src + 5 * ld);
        var x6 = Vector512.Load(src + 6 * ld); var x7 = Vector512.Load(src + 7 * ld);
        var x8 = Vector512.Load(src + 8 * ld); var x9 = Vector512.Load(src + 9 * ld);
        var x10 = Vector512.Load(src + 10 * ld); var x11 = Vector512.Load(src + 11 * ld);
        var x12 = Vector512.Load(src + 12 * ld); var x13 = Vector512.Load(src + 13 * ld);
        var x14 = Vector512.Load(src + 14 * ld); var x15 = Vector512.Load(src + 15 * ld);
        Vector512<int> lo = Low1, hi = High1;
        Swap(ref x0, ref x1, lo, hi); Swap(ref x2, ref x3, lo, hi); Swap(ref x4, ref x5, lo, hi); Swap(ref x6, ref x7, lo, hi);
        Swap(ref x8, ref x9, lo, hi); Swap(ref x10, ref x11, lo, hi); Swap(ref x12, ref x13, lo, hi); Swap(ref x14, ref x15, lo, hi);
        lo = Low2; hi = High2;
        Swap(ref x0, ref x2, lo, hi); Swap(ref x1, ref x3, lo, hi); Swap(ref x4, ref x6, lo, hi); Swap(ref x5, ref x7, lo, hi);
        Swap(ref x8, ref x10, lo, hi); Swap(ref x9, ref x11, lo, hi); Swap(ref x12, ref x14, lo, hi); Swap(ref x13, ref x15, lo, hi);
        lo = Low4; hi = High4;
        Swap(ref x0, ref x4, lo, hi); Swap(ref x1, ref x5, lo, hi); Swap(ref x2, ref x6, lo, hi); Swap(ref x3, ref x7, lo, hi);
        Swap(ref x8, ref x12, lo, hi); Swap(ref x9, ref x13, lo, hi); Swap(ref x10, ref x14, lo, hi); Swap(ref x11, ref x15, lo, hi);
        lo = Low8; hi = High8;
        Swap(ref x0, ref x8, lo, hi); Swap(ref x1, ref x9, lo, hi); Swap(ref x2, ref x10, lo, hi); Swap(ref x3, ref x11, lo, hi);
        Swap(ref x4, ref x12, lo, hi); Swap(ref x5, ref x13, lo, hi); Swap(ref x6, ref x14, lo, hi); Swap(ref x7, ref x15, lo, hi);
        Vector512.Store(x0, dst); Vector512.Store(x1, dst + ldd);
        Vector512.Store(x2, dst + 2 * ldd); Vector512.Store(x3, dst + 3 * ldd);
        Vector512.Store(x4, dst + 4 * ldd); Vector512.Store(x5, dst + 5 * ldd);
        Vector512.Store(x6, dst + 6 * ldd); Vector512.Store(x7, dst + 7 * ldd);
        Vector512.Store(x8, dst + 8 * ldd); Vector512.Store(x9, dst + 9 * ldd);
        Vector512.Store(x10, dst + 10 * ldd); Vector512.Store(x11, dst + 11 * ldd);
        Vector512.Store(x12, dst + 12 * ldd); Vector512.Store(x13, dst + 13 * ldd);
        Vector512.Store(x14, dst + 14 * ldd); Vector512.Store(x15, dst + 15 * ldd);
    }

    // Rows a (index bit d clear) and b (set) exchange their d-wide runs of columns.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(ref Vector512<float> a, ref Vector512<float> b, Vector512<int> low, Vector512<int> high)
    {
        var first = Avx512F.PermuteVar16x32x2(a, low, b);
        b = Avx512F.PermuteVar16x32x2(a, high, b);
        a = first;
    }

    private static readonly Vector512<int> Low1 = SwapControl(1, true), High1 = SwapControl(1, false);
    private static readonly Vector512<int> Low2 = SwapControl(2, true), High2 = SwapControl(2, false);
    private static readonly Vector512<int> Low4 = SwapControl(4, true), High4 = SwapControl(4, false);
    private static readonly Vector512<int> Low8 = SwapControl(8, true), High8 = SwapControl(8, false);

    // For round d: the low row keeps its columns with bit d clear and takes the high row's runs shifted down
    // (index 16 + c names the second source's element c); the high row takes the low row's runs shifted up.
    private static Vector512<int> SwapControl(int d, bool low)
    {
        var control = new int[16];
        for (int c = 0; c < 16; c++)
        {
            bool clear = (c & d) == 0;
            control[c] = low ? (clear ? c : 16 + c - d) : (clear ? c + d : 16 + c);
        }
        return Vector512.Create(control);
    }
}
