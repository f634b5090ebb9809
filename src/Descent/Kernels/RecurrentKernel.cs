namespace Descent.Kernels;

/// <summary>
/// The elementwise part of one time step of the recurrent cells (Elman RNN, LSTM, GRU), forward and
/// backward through time, on [N, G·H] rows of pre-activations. The matrix products around them are GEMMs
/// in the op; these loops only combine gates, so each writes its destinations once and allocates nothing.
/// Scalar on purpose: exp and tanh per element dominate and the scalar forms match libtorch's closely.
/// </summary>
internal static class RecurrentKernel
{
    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Where the first gate of state element <paramref name="e"/> of [N, H] sits in [N, G·H].</summary>
    private static int Gate(int e, int hidden, int gates) => e / hidden * gates * hidden + e % hidden;

    /// <summary>h = tanh(xg + hg) or relu(xg + hg), elementwise over [N, H].</summary>
    public static void RnnForward(ReadOnlySpan<float> xg, ReadOnlySpan<float> hg, bool relu, Span<float> h)
    {
        for (int i = 0; i < h.Length; i++)
        {
            float a = xg[i] + hg[i];
            h[i] = relu ? (a > 0f ? a : a < 0f ? 0f : a) : MathF.Tanh(a);
        }
    }

    /// <summary>The pre-activation's gradient from the output h and its gradient dh.</summary>
    public static void RnnBackward(ReadOnlySpan<float> h, ReadOnlySpan<float> dh, bool relu, Span<float> da)
    {
        for (int i = 0; i < da.Length; i++)
            da[i] = relu ? (h[i] > 0f ? dh[i] : 0f) : dh[i] * (1f - h[i] * h[i]);
    }

    /// <summary>
    /// LSTM step, gates in PyTorch's order i, f, g, o: c = f∘c_prev + i∘g, h = o∘tanh(c). The activated
    /// gates are kept in <paramref name="gates"/> [N, 4H] for the backward.
    /// </summary>
    public static void LstmForward(int n, int hidden, ReadOnlySpan<float> xg, ReadOnlySpan<float> hg, ReadOnlySpan<float> cPrev,
        Span<float> gates, Span<float> c, Span<float> h)
    {
        for (int e = 0; e < n * hidden; e++)
        {
            int k = Gate(e, hidden, 4);
            float i = Sigmoid(xg[k] + hg[k]);
            float f = Sigmoid(xg[k + hidden] + hg[k + hidden]);
            float g = MathF.Tanh(xg[k + 2 * hidden] + hg[k + 2 * hidden]);
            float o = Sigmoid(xg[k + 3 * hidden] + hg[k + 3 * hidden]);
            gates[k] = i; gates[k + hidden] = f; gates[k + 2 * hidden] = g; gates[k + 3 * hidden] = o;
            float cell = f * cPrev[e] + i * g;
            c[e] = cell;
            h[e] = o * MathF.Tanh(cell);
        }
    }

    /// <summary>
    /// LSTM step backward: from dh and the cell's gradient (<paramref name="dcOut"/> from outside plus
    /// <paramref name="dcCarry"/> from the next step) to the four gates' pre-activation gradients
    /// <paramref name="dGates"/> [N, 4H]; <paramref name="dcCarry"/> then holds the gradient of c_prev.
    /// </summary>
    public static void LstmBackward(int n, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> c,
        ReadOnlySpan<float> dh, ReadOnlySpan<float> dcOut, Span<float> dcCarry, Span<float> dGates)
    {
        for (int e = 0; e < n * hidden; e++)
        {
            int k = Gate(e, hidden, 4);
            float i = gates[k], f = gates[k + hidden], g = gates[k + 2 * hidden], o = gates[k + 3 * hidden];
            float tc = MathF.Tanh(c[e]);
            float dc = dcOut[e] + dcCarry[e] + dh[e] * o * (1f - tc * tc);
            dGates[k] = dc * g * i * (1f - i);
            dGates[k + hidden] = dc * cPrev[e] * f * (1f - f);
            dGates[k + 2 * hidden] = dc * i * (1f - g * g);
            dGates[k + 3 * hidden] = dh[e] * tc * o * (1f - o);
            dcCarry[e] = dc * f;
        }
    }

    /// <summary>
    /// GRU step, gates r, z, n: n = tanh(xn + r∘hn) with hn = W_hn·h_prev + b_hn, h = (1 − z)∘n + z∘h_prev.
    /// Keeps the activated gates [N, 3H] and hn [N, H] for the backward.
    /// </summary>
    public static void GruForward(int n, int hidden, ReadOnlySpan<float> xg, ReadOnlySpan<float> hg, ReadOnlySpan<float> hPrev,
        Span<float> gates, Span<float> hn, Span<float> h)
    {
        for (int e = 0; e < n * hidden; e++)
        {
            int k = Gate(e, hidden, 3);
            float reset = Sigmoid(xg[k] + hg[k]);
            float z = Sigmoid(xg[k + hidden] + hg[k + hidden]);
            float hnv = hg[k + 2 * hidden];
            float nv = MathF.Tanh(xg[k + 2 * hidden] + reset * hnv);
            gates[k] = reset; gates[k + hidden] = z; gates[k + 2 * hidden] = nv;
            hn[e] = hnv;
            h[e] = (1f - z) * nv + z * hPrev[e];
        }
    }

    /// <summary>
    /// GRU step backward: the input side's pre-activation gradients <paramref name="dxg"/> and the hidden
    /// side's <paramref name="dhg"/> (they differ in the n gate, which the hidden side reaches through r),
    /// and the direct part of h_prev's gradient, dh∘z, into <paramref name="dhPrev"/>.
    /// </summary>
    public static void GruBackward(int n, int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev,
        ReadOnlySpan<float> dh, Span<float> dxg, Span<float> dhg, Span<float> dhPrev)
    {
        for (int e = 0; e < n * hidden; e++)
        {
            int k = Gate(e, hidden, 3);
            float reset = gates[k], z = gates[k + hidden], nv = gates[k + 2 * hidden];
            float dan = dh[e] * (1f - z) * (1f - nv * nv);
            float dar = dan * hn[e] * reset * (1f - reset);
            float daz = dh[e] * (hPrev[e] - nv) * z * (1f - z);
            dxg[k] = dar; dxg[k + hidden] = daz; dxg[k + 2 * hidden] = dan;
            dhg[k] = dar; dhg[k + hidden] = daz; dhg[k + 2 * hidden] = dan * reset;
            dhPrev[e] = dh[e] * z;
        }
    }

    /// <summary>Adds <paramref name="bias"/> to every row of <paramref name="rows"/>.</summary>
    public static void AddRows(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int r = 0; r < rows.Length; r += bias.Length)
            System.Numerics.Tensors.TensorPrimitives.Add(rows.Slice(r, bias.Length), bias, rows.Slice(r, bias.Length));
    }

    /// <summary>Column sums of <paramref name="rows"/> into <paramref name="destination"/>, rows in order.</summary>
    public static void SumRows(ReadOnlySpan<float> rows, Span<float> destination)
    {
        destination.Clear();
        for (int r = 0; r < rows.Length; r += destination.Length)
            System.Numerics.Tensors.TensorPrimitives.Add(destination, rows.Slice(r, destination.Length), destination);
    }
}
