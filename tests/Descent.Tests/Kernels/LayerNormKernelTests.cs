using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>The LayerNorm kernel against a double-precision reference, on row lengths around every vector width.</summary>
public class LayerNormKernelTests
{
    public static TheoryData<int, int, bool, bool> Cases => new()
    {
        { 3, 1, true, true }, { 2, 7, false, false }, { 4, 8, true, false }, { 3, 16, true, true }, { 2, 17, false, true },
        { 5, 33, true, true }, { 2, 70, true, true }, { 3, 128, true, true },
    };

    /// <summary>Forward, then both backward passes, each into new arrays.</summary>
    internal static (float[] Mean, float[] Rstd, float[] Y, float[] Dx, float[] Dw, float[] Db) RunAll(float[] x, float[] g, float[] w, float[] b, int rows, int d, float eps)
    {
        var mean = new float[rows];
        var rstd = new float[rows];
        var y = new float[rows * d];
        var dx = new float[rows * d];
        var dw = new float[d];
        var db = new float[d];
        LayerNormKernel.Forward(x, rows, d, w, b, eps, mean, rstd, y);
        LayerNormKernel.BackwardInput(g, x, rows, d, w, mean, rstd, dx);
        LayerNormKernel.BackwardAffine(g, x, rows, d, mean, rstd, dw, db);
        return (mean, rstd, y, dx, dw, db);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Forward_and_every_gradient_match_the_double_reference(int rows, int d, bool affine, bool bias)
    {
        var rng = new Generator((ulong)(rows * 100 + d));
        // Rows off centre and wide, so a one-pass variance would lose digits.
        var x = Tensor.Randn([rows, d], rng).Mul(3f).Add(20f).ToArray();
        var g = Tensor.Randn([rows, d], rng).ToArray();
        var w = affine ? Tensor.Uniform([d], 0.5f, 1.5f, rng).ToArray() : [];
        var b = bias ? Tensor.Randn([d], rng).ToArray() : [];
        const float eps = 1e-5f;
        var (_, _, y, dx, dw, db) = RunAll(x, g, w, b, rows, d, eps);

        var dwExpected = new double[d];
        var dbExpected = new double[d];
        for (int r = 0; r < rows; r++)
        {
            double m = 0, v = 0, sumG = 0, sumGX = 0;
            for (int j = 0; j < d; j++) m += x[r * d + j];
            m /= d;
            for (int j = 0; j < d; j++) v += (x[r * d + j] - m) * (x[r * d + j] - m);
            double s = 1 / Math.Sqrt(v / d + eps);
            for (int j = 0; j < d; j++)
            {
                double gw = g[r * d + j] * (affine ? w[j] : 1);
                sumG += gw;
                sumGX += gw * (x[r * d + j] - m) * s;
            }
            for (int j = 0; j < d; j++)
            {
                double wj = affine ? w[j] : 1, bj = bias ? b[j] : 0, xhat = (x[r * d + j] - m) * s, gj = g[r * d + j];
                Assert.Equal(xhat * wj + bj, y[r * d + j], 1e-4);
                Assert.Equal(s * (gj * wj - sumG / d - xhat * sumGX / d), dx[r * d + j], 1e-4);
                dwExpected[j] += gj * xhat;
                dbExpected[j] += gj;
            }
        }
        for (int j = 0; j < d; j++)
        {
            Assert.Equal(dwExpected[j], dw[j], 1e-4);
            Assert.Equal(dbExpected[j], db[j], 1e-4);
        }
    }
}
