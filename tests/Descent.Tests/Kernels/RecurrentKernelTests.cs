using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The recurrent gate kernels against a per-element double-precision reference, on hidden sizes around
/// every vector width (so both the vector bodies and the scalar tails run) and over several batch rows
/// (so a wrong row or gate offset shows).
/// </summary>
public class RecurrentKernelTests
{
    public static TheoryData<int, int> Cases => new() { { 1, 1 }, { 2, 3 }, { 3, 8 }, { 2, 16 }, { 3, 17 }, { 2, 33 }, { 4, 70 } };

    private const double Tol = 1e-5;

    private static double Sig(double x) => 1 / (1 + Math.Exp(-x));

    private static float[] Randn(int count, Generator rng, float scale = 1.5f)
    {
        var v = Tensor.Randn([count], rng).ToArray();
        for (int i = 0; i < v.Length; i++) v[i] *= scale;
        return v;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Lstm_forward_and_backward_match_the_double_reference(int n, int hidden)
    {
        var rng = new Generator((ulong)(n * 1000 + hidden));
        int w = 4 * hidden, plane = n * hidden;
        float[] xg = Randn(n * w, rng), hg = Randn(n * w, rng), cPrev = Randn(plane, rng), bias = Randn(w, rng);
        var gates = new float[n * w];
        for (int k = 0; k < gates.Length; k++) gates[k] = xg[k] + hg[k];
        var c = new float[plane];
        var h = new float[plane];
        RecurrentKernel.LstmForward(n, hidden, gates, bias, cPrev, c, h);

        float[] dh = Randn(plane, rng), dcCarry = Randn(plane, rng);
        var dcIn = (float[])dcCarry.Clone();
        var dGates = new float[n * w];
        RecurrentKernel.LstmBackward(n, hidden, gates, cPrev, c, dh, dcCarry, dGates);

        for (int r = 0; r < n; r++)
            for (int j = 0; j < hidden; j++)
            {
                int k = r * w + j, e = r * hidden + j;
                double Pre(int at) => (double)xg[at] + hg[at] + bias[at % w];
                double i = Sig(Pre(k)), f = Sig(Pre(k + hidden)), g = Math.Tanh(Pre(k + 2 * hidden)), o = Sig(Pre(k + 3 * hidden));
                double cell = f * cPrev[e] + i * g, tc = Math.Tanh(cell);
                Assert.Equal(i, gates[k], Tol); Assert.Equal(f, gates[k + hidden], Tol);
                Assert.Equal(g, gates[k + 2 * hidden], Tol); Assert.Equal(o, gates[k + 3 * hidden], Tol);
                Assert.Equal(cell, c[e], Tol);
                Assert.Equal(o * tc, h[e], Tol);

                // The backward from the kernel's own saved gates and cell, so only its arithmetic is judged.
                double gi = gates[k], gf = gates[k + hidden], gg = gates[k + 2 * hidden], go = gates[k + 3 * hidden];
                double tcs = Math.Tanh(c[e]);
                double dc = (double)dcIn[e] + dh[e] * go * (1 - tcs * tcs);
                Assert.Equal(dc * gg * gi * (1 - gi), dGates[k], Tol);
                Assert.Equal(dc * cPrev[e] * gf * (1 - gf), dGates[k + hidden], Tol);
                Assert.Equal(dc * gi * (1 - gg * gg), dGates[k + 2 * hidden], Tol);
                Assert.Equal(dh[e] * tcs * go * (1 - go), dGates[k + 3 * hidden], Tol);
                Assert.Equal(dc * gf, dcCarry[e], Tol);
            }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gru_forward_and_backward_match_the_double_reference(int n, int hidden)
    {
        var rng = new Generator((ulong)(n * 1000 + hidden + 7));
        int w = 3 * hidden, plane = n * hidden;
        float[] xg = Randn(n * w, rng), hg = Randn(n * w, rng), hPrev = Randn(plane, rng, 0.9f);
        var gates = new float[n * w];
        var hn = new float[plane];
        var h = new float[plane];
        RecurrentKernel.GruForward(n, hidden, xg, hg, hPrev, gates, hn, h);

        var dh = Randn(plane, rng);
        var dxg = new float[n * w];
        var dhg = new float[n * w];
        var dhPrev = new float[plane];
        RecurrentKernel.GruBackward(n, hidden, gates, hn, hPrev, dh, dxg, dhg, dhPrev);

        for (int r = 0; r < n; r++)
            for (int j = 0; j < hidden; j++)
            {
                int k = r * w + j, e = r * hidden + j;
                double reset = Sig((double)xg[k] + hg[k]), z = Sig((double)xg[k + hidden] + hg[k + hidden]);
                double hnv = hg[k + 2 * hidden], nv = Math.Tanh(xg[k + 2 * hidden] + reset * hnv);
                Assert.Equal(reset, gates[k], Tol); Assert.Equal(z, gates[k + hidden], Tol); Assert.Equal(nv, gates[k + 2 * hidden], Tol);
                Assert.Equal(hnv, hn[e]);
                Assert.Equal((1 - z) * nv + z * hPrev[e], h[e], Tol);

                double gr = gates[k], gz = gates[k + hidden], gn = gates[k + 2 * hidden];
                double dan = dh[e] * (1 - gz) * (1 - gn * gn);
                double dar = dan * hn[e] * gr * (1 - gr);
                double daz = dh[e] * (hPrev[e] - gn) * gz * (1 - gz);
                Assert.Equal(dar, dxg[k], Tol); Assert.Equal(daz, dxg[k + hidden], Tol); Assert.Equal(dan, dxg[k + 2 * hidden], Tol);
                Assert.Equal(dar, dhg[k], Tol); Assert.Equal(daz, dhg[k + hidden], Tol); Assert.Equal(dan * gr, dhg[k + 2 * hidden], Tol);
                Assert.Equal(dh[e] * gz, dhPrev[e], Tol);
            }
    }

    [Theory]
    [InlineData(1, false)] [InlineData(7, false)] [InlineData(33, false)] [InlineData(130, false)]
    [InlineData(1, true)] [InlineData(7, true)] [InlineData(33, true)] [InlineData(130, true)]
    public void Rnn_forward_and_backward_match_the_double_reference(int count, bool relu)
    {
        var rng = new Generator((ulong)(count * 2 + (relu ? 1 : 0)));
        float[] xg = Randn(count, rng), hg = Randn(count, rng), dh = Randn(count, rng);
        var h = new float[count];
        for (int i = 0; i < count; i++) h[i] = xg[i] + hg[i];
        var da = new float[count];
        RecurrentKernel.RnnForward(h, relu);
        RecurrentKernel.RnnBackward(h, dh, relu, da);
        for (int i = 0; i < count; i++)
        {
            double a = (double)xg[i] + hg[i];
            Assert.Equal(relu ? Math.Max(a, 0) : Math.Tanh(a), h[i], Tol);
            double hv = h[i];
            Assert.Equal(relu ? (hv > 0 ? dh[i] : 0) : dh[i] * (1 - hv * hv), da[i], Tol);
        }
    }

    [Theory]
    [InlineData(1, 1)] [InlineData(3, 5)] [InlineData(16, 16)] [InlineData(17, 33)] [InlineData(512, 128)] [InlineData(24, 9)]
    public void Transpose_moves_every_element_to_its_mirror(int rows, int cols)
    {
        var source = Randn(rows * cols, new Generator((ulong)(rows * 100 + cols)));
        var destination = new float[rows * cols];
        RecurrentKernel.Transpose(rows, cols, source, destination);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(source[r * cols + c], destination[c * rows + r]);
    }

    [Fact]
    public void Saturated_gates_stay_finite()
    {
        const int n = 2, hidden = 19;
        var xg = new float[n * 4 * hidden];
        for (int i = 0; i < xg.Length; i++) xg[i] = i % 2 == 0 ? 200f : -200f;
        var cPrev = new float[n * hidden];
        var gates = (float[])xg.Clone();
        var c = new float[cPrev.Length];
        var h = new float[cPrev.Length];
        RecurrentKernel.LstmForward(n, hidden, gates, default, cPrev, c, h);
        Assert.All(gates, v => Assert.InRange(v, -1f, 1f));
        Assert.All(h, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Only_the_rows_whose_sequence_has_ended_are_carried_or_cleared()
    {
        int[] lengths = [2, 5, 1];
        float[] from = [1, 2, 3, 4, 5, 6], add = [10, 20, 30, 40, 50, 60];
        var to = new float[] { -1, -1, -1, -1, -1, -1 };
        RecurrentKernel.CarryEnded(lengths, 2, from, default, to);
        Assert.Equal([1f, 2, -1, -1, 5, 6], to);
        RecurrentKernel.CarryEnded(lengths, 1, from, add, to);
        Assert.Equal([1f, 2, -1, -1, 55, 66], to);
        RecurrentKernel.ClearEnded(lengths, 1, to);
        Assert.Equal([1f, 2, -1, -1, 0, 0], to);
        RecurrentKernel.ClearEnded(lengths, 4, to);
        Assert.Equal([0f, 0, -1, -1, 0, 0], to);
    }
}
