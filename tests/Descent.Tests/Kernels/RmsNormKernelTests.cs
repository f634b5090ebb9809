using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>The RMSNorm kernel against a double-precision reference, on row lengths around every vector width.</summary>
public class RmsNormKernelTests
{
    public static TheoryData<int, int, bool> Cases => new()
    {
        { 3, 1, true }, { 2, 7, false }, { 4, 8, true }, { 3, 16, true }, { 2, 17, false }, { 5, 33, true }, { 2, 70, true },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Forward_and_both_gradients_match_the_double_reference(int rows, int d, bool affine)
    {
        var rng = new Generator((ulong)(rows * 100 + d));
        var x = Tensor.Randn([rows, d], rng).ToArray();
        var g = Tensor.Randn([rows, d], rng).ToArray();
        var w = affine ? Tensor.Uniform([d], 0.5f, 1.5f, rng).ToArray() : [];
        const float eps = 1e-5f;
        var inv = new float[rows];
        var y = new float[rows * d];
        var dx = new float[rows * d];
        var dw = new float[d];
        RmsNormKernel.Forward(x, rows, d, w, eps, inv, y);
        RmsNormKernel.BackwardInput(g, x, rows, d, w, inv, dx);
        RmsNormKernel.BackwardWeight(g, x, rows, d, inv, dw);

        var dwExpected = new double[d];
        for (int r = 0; r < rows; r++)
        {
            double ms = 0, dot = 0;
            for (int j = 0; j < d; j++) ms += (double)x[r * d + j] * x[r * d + j];
            double s = 1 / Math.Sqrt(ms / d + eps);
            for (int j = 0; j < d; j++) dot += (double)g[r * d + j] * (affine ? w[j] : 1) * x[r * d + j];
            for (int j = 0; j < d; j++)
            {
                double wj = affine ? w[j] : 1, xj = x[r * d + j], gj = g[r * d + j];
                Assert.Equal(xj * s * wj, y[r * d + j], 1e-5);
                Assert.Equal(s * (gj * wj - xj * s * s * dot / d), dx[r * d + j], 1e-4);
                dwExpected[j] += gj * xj * s;
            }
        }
        for (int j = 0; j < d; j++) Assert.Equal(dwExpected[j], dw[j], 1e-4);
    }
}
