using System.Runtime.Intrinsics;

namespace Descent.Kernels;

// The rows and columns of LayerNormKernel on 16-lane vectors. A transformer's rows are short (128 values: eight
// vectors), so the 8-lane path's single running sum per pass is a chain of sixteen dependent adds, and its
// affine gradients reload and store their column sums once per row; here each pass runs two chains of half the
// length, and the column sums stay in registers over all rows. Every element's arithmetic is one formula,
// fused multiply-adds included, whichever of the vector or scalar loops reaches it, so a column's sums do not
// depend on where a part boundary falls.
internal static unsafe partial class LayerNormKernel
{
    private const int W = 16;

    private static bool Wide(int d) => Vector512.IsHardwareAccelerated && d >= W;

    private static void ForwardRowWide(in Args a, int r)
    {
        int d = a.D;
        float* x = a.X + (long)r * d, y = a.Y + (long)r * d;
        // Two passes (mean, then squares about it) rather than E[x²] − mean², which cancels for rows far from 0.
        float mean = RowSum(x, d) / d;
        float rstd = 1f / MathF.Sqrt(RowSquares(x, d, mean) / d + a.Eps);
        a.Mean[r] = mean;
        a.Rstd[r] = rstd;
        float* w = a.Weight, b = a.Bias;
        var vm = Vector512.Create(mean);
        var vr = Vector512.Create(rstd);
        int j = 0;
        for (; j <= d - W; j += W)
        {
            var v = (Vector512.Load(x + j) - vm) * vr;
            if (w != null && b != null) v = Vector512.FusedMultiplyAdd(v, Vector512.Load(w + j), Vector512.Load(b + j));
            else if (w != null) v *= Vector512.Load(w + j);
            else if (b != null) v += Vector512.Load(b + j);
            Vector512.Store(v, y + j);
        }
        for (; j < d; j++)
        {
            float v = (x[j] - mean) * rstd;
            if (w != null && b != null) v = MathF.FusedMultiplyAdd(v, w[j], b[j]);
            else if (w != null) v *= w[j];
            else if (b != null) v += b[j];
            y[j] = v;
        }
    }

    private static float RowSum(float* x, int d)
    {
        Vector512<float> s0 = default, s1 = default;
        int j = 0;
        for (; j <= d - 2 * W; j += 2 * W)
        {
            s0 += Vector512.Load(x + j);
            s1 += Vector512.Load(x + j + W);
        }
        if (j <= d - W)
        {
            s0 += Vector512.Load(x + j);
            j += W;
        }
        float sum = Vector512.Sum(s0 + s1);
        for (; j < d; j++) sum += x[j];
        return sum;
    }

    private static float RowSquares(float* x, int d, float center)
    {
        Vector512<float> s0 = default, s1 = default;
        var vc = Vector512.Create(center);
        int j = 0;
        for (; j <= d - 2 * W; j += 2 * W)
        {
            var c0 = Vector512.Load(x + j) - vc;
            var c1 = Vector512.Load(x + j + W) - vc;
            s0 = Vector512.FusedMultiplyAdd(c0, c0, s0);
            s1 = Vector512.FusedMultiplyAdd(c1, c1, s1);
        }
        if (j <= d - W)
        {
            var c0 = Vector512.Load(x + j) - vc;
            s0 = Vector512.FusedMultiplyAdd(c0, c0, s0);
            j += W;
        }
        float sum = Vector512.Sum(s0 + s1);
        for (; j < d; j++)
        {
            float c = x[j] - center;
            sum = MathF.FusedMultiplyAdd(c, c, sum);
        }
        return sum;
    }

    private static void BackwardRowWide(in Args a, int r)
    {
        int d = a.D;
        float* g = a.G + (long)r * d, x = a.X + (long)r * d, dx = a.Y + (long)r * d, w = a.Weight;
        float mean = a.Mean[r], rstd = a.Rstd[r];
        var vm = Vector512.Create(mean);
        var vr = Vector512.Create(rstd);
        // Σ g·w and Σ g·w·x̂, each in two chains.
        Vector512<float> g0 = default, g1 = default, x0 = default, x1 = default;
        int j = 0;
        for (; j <= d - 2 * W; j += 2 * W)
        {
            var gw0 = Vector512.Load(g + j);
            var gw1 = Vector512.Load(g + j + W);
            if (w != null)
            {
                gw0 *= Vector512.Load(w + j);
                gw1 *= Vector512.Load(w + j + W);
            }
            g0 += gw0;
            g1 += gw1;
            x0 = Vector512.FusedMultiplyAdd(gw0, (Vector512.Load(x + j) - vm) * vr, x0);
            x1 = Vector512.FusedMultiplyAdd(gw1, (Vector512.Load(x + j + W) - vm) * vr, x1);
        }
        if (j <= d - W)
        {
            var gw0 = Vector512.Load(g + j);
            if (w != null) gw0 *= Vector512.Load(w + j);
            g0 += gw0;
            x0 = Vector512.FusedMultiplyAdd(gw0, (Vector512.Load(x + j) - vm) * vr, x0);
            j += W;
        }
        float sumG = Vector512.Sum(g0 + g1), sumGX = Vector512.Sum(x0 + x1);
        for (; j < d; j++)
        {
            float gw = w != null ? g[j] * w[j] : g[j];
            sumG += gw;
            sumGX = MathF.FusedMultiplyAdd(gw, (x[j] - mean) * rstd, sumGX);
        }
        float c1 = sumG / d, c2 = sumGX / d;
        var v1 = Vector512.Create(c1);
        var v2 = Vector512.Create(c2);
        for (j = 0; j <= d - W; j += W)
        {
            var gw = Vector512.Load(g + j);
            if (w != null) gw *= Vector512.Load(w + j);
            var xhat = (Vector512.Load(x + j) - vm) * vr;
            Vector512.Store(Vector512.FusedMultiplyAdd(-xhat, v2, gw - v1) * vr, dx + j);
        }
        for (; j < d; j++)
        {
            float gw = w != null ? g[j] * w[j] : g[j];
            dx[j] = MathF.FusedMultiplyAdd(-((x[j] - mean) * rstd), c2, gw - c1) * rstd;
        }
    }

    /// <summary>dw = Σ g·x̂ and db = Σ g for columns [from, to), 64 at a time held in registers over every row.</summary>
    private static void AffineColumnsWide(in Args a, int from, int to)
    {
        int j = from;
        for (; j <= to - 4 * W; j += 4 * W) AffineBlock(in a, j, 4);
        for (; j <= to - W; j += W) AffineBlock(in a, j, 1);
        for (; j < to; j++)
        {
            float dw = 0, db = 0;
            for (int r = 0; r < a.Rows; r++)
            {
                float g = a.G[(long)r * a.D + j];
                dw = MathF.FusedMultiplyAdd(g, (a.X[(long)r * a.D + j] - a.Mean[r]) * a.Rstd[r], dw);
                db += g;
            }
            if (a.Y != null) a.Y[j] = dw;
            if (a.GradBias != null) a.GradBias[j] = db;
        }
    }

    // Columns [j, j + vectors·16) of both sums; vectors is 1 or 4, a constant at each call.
    private static void AffineBlock(in Args a, int j, int vectors)
    {
        Vector512<float> w0 = default, w1 = default, w2 = default, w3 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        for (int r = 0; r < a.Rows; r++)
        {
            float* g = a.G + (long)r * a.D + j, x = a.X + (long)r * a.D + j;
            var vm = Vector512.Create(a.Mean[r]);
            var vr = Vector512.Create(a.Rstd[r]);
            var g0 = Vector512.Load(g);
            w0 = Vector512.FusedMultiplyAdd(g0, (Vector512.Load(x) - vm) * vr, w0);
            b0 += g0;
            if (vectors == 1) continue;
            var g1 = Vector512.Load(g + W);
            var g2 = Vector512.Load(g + 2 * W);
            var g3 = Vector512.Load(g + 3 * W);
            w1 = Vector512.FusedMultiplyAdd(g1, (Vector512.Load(x + W) - vm) * vr, w1);
            w2 = Vector512.FusedMultiplyAdd(g2, (Vector512.Load(x + 2 * W) - vm) * vr, w2);
            w3 = Vector512.FusedMultiplyAdd(g3, (Vector512.Load(x + 3 * W) - vm) * vr, w3);
            b1 += g1;
            b2 += g2;
            b3 += g3;
        }
        Store(a.Y, j, vectors, w0, w1, w2, w3);
        Store(a.GradBias, j, vectors, b0, b1, b2, b3);
    }

    private static void Store(float* to, int j, int vectors, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        if (to == null) return;
        Vector512.Store(s0, to + j);
        if (vectors == 1) return;
        Vector512.Store(s1, to + j + W);
        Vector512.Store(s2, to + j + 2 * W);
        Vector512.Store(s3, to + j + 3 * W);
    }
}
