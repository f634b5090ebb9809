namespace Descent.Tests.Kernels;

/// <summary>Naive double-precision matrix product and the data the GEMM tests feed it.</summary>
internal static class GemmReference
{
    public static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>op(A)·op(B) (+ C0) in double, and for each element the sum of |terms| that bounds rounding.</summary>
    public static (double[] Value, double[] Scale) Multiply(bool transA, bool transB, int m, int n, int k,
        float[] a, float[] b, float[]? c0)
    {
        var value = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = c0?[i * n + j] ?? 0, abs = Math.Abs(s);
                for (int p = 0; p < k; p++)
                {
                    double t = (double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                    s += t;
                    abs += Math.Abs(t);
                }
                value[i * n + j] = s;
                scale[i * n + j] = abs;
            }
        return (value, scale);
    }

    /// <summary>Asserts |c − reference| ≤ 4·(k + 1)·2⁻²⁴·Σ|terms| element by element.</summary>
    public static void AssertClose(float[] c, (double[] Value, double[] Scale) reference, int m, int n, int k)
    {
        double unit = Math.Pow(2, -24);
        for (int idx = 0; idx < m * n; idx++)
        {
            double tol = 4 * (k + 1) * unit * reference.Scale[idx] + 1e-30;
            double err = Math.Abs(c[idx] - reference.Value[idx]);
            Assert.True(err <= tol,
                $"m={m} n={n} k={k}: C[{idx / n}, {idx % n}] = {c[idx]}, reference {reference.Value[idx]}, error {err} > {tol}");
        }
    }
}
