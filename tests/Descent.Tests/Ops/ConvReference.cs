namespace Descent.Tests.Ops;

/// <summary>Direct, loop-by-loop definitions of convolution and pooling (in double) that the fast paths are tested against.</summary>
internal static class ConvReference
{
    public static int OutLength(int input, int kernel, int stride, int padding, int dilation) =>
        (int)Math.Floor((input + 2.0 * padding - dilation * (kernel - 1.0) - 1.0) / stride) + 1;

    /// <summary>y[n, o, i, j] = b[o] + Σ_c Σ_ki Σ_kj x[n, g·Cg + c, i·s − p + ki·d, j·s − p + kj·d] · w[o, c, ki, kj].</summary>
    public static float[] Conv2d(float[] x, int n, int c, int h, int w, float[] wt, int o, int kh, int kw, float[]? bias,
        Size2 stride, Size2 padding, Size2 dilation, int groups, out int oh, out int ow)
    {
        oh = OutLength(h, kh, stride.H, padding.H, dilation.H);
        ow = OutLength(w, kw, stride.W, padding.W, dilation.W);
        if (oh <= 0 || ow <= 0) return [];
        int cg = c / groups, og = o / groups;
        var y = new float[n * o * oh * ow];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = bias?[oc] ?? 0;
                        int group = oc / og;
                        for (int ic = 0; ic < cg; ic++)
                            for (int ki = 0; ki < kh; ki++)
                                for (int kj = 0; kj < kw; kj++)
                                {
                                    int r = i * stride.H - padding.H + ki * dilation.H;
                                    int s = j * stride.W - padding.W + kj * dilation.W;
                                    if (r < 0 || r >= h || s < 0 || s >= w) continue;
                                    sum += (double)x[((b * c + group * cg + ic) * h + r) * w + s] * wt[((oc * cg + ic) * kh + ki) * kw + kj];
                                }
                        y[((b * o + oc) * oh + i) * ow + j] = (float)sum;
                    }
        return y;
    }

    /// <summary>Max or average pooling by direct enumeration of each window; padding reads −∞ (max) or 0 (average).</summary>
    public static float[] Pool(float[] x, int planes, int h, int w, Size2 k, Size2 s, Size2 p, bool max, bool countIncludePad, out int oh, out int ow)
    {
        oh = OutLength(h, k.H, s.H, p.H, 1);
        ow = OutLength(w, k.W, s.W, p.W, 1);
        var y = new float[planes * oh * ow];
        for (int q = 0; q < planes; q++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int real = 0;
                    for (int a = 0; a < k.H; a++)
                        for (int b = 0; b < k.W; b++)
                        {
                            int r = i * s.H - p.H + a, c = j * s.W - p.W + b;
                            if (r < 0 || r >= h || c < 0 || c >= w) continue;
                            double v = x[(q * h + r) * w + c];
                            best = Math.Max(best, v);
                            sum += v;
                            real++;
                        }
                    y[(q * oh + i) * ow + j] = (float)(max ? best : sum / (countIncludePad ? k.H * k.W : real));
                }
        return y;
    }

    /// <summary>Adaptive average pooling with PyTorch's bins, computed with floating-point floor and ceil.</summary>
    public static float[] AdaptiveAvg(float[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new float[planes * oh * ow];
        for (int q = 0; q < planes; q++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int r0 = (int)Math.Floor(i * (double)h / oh), r1 = (int)Math.Ceiling((i + 1) * (double)h / oh);
                    int c0 = (int)Math.Floor(j * (double)w / ow), c1 = (int)Math.Ceiling((j + 1) * (double)w / ow);
                    double sum = 0;
                    for (int r = r0; r < r1; r++)
                        for (int c = c0; c < c1; c++) sum += x[(q * h + r) * w + c];
                    y[(q * oh + i) * ow + j] = (float)(sum / ((r1 - r0) * (c1 - c0)));
                }
        return y;
    }

    public static void AssertClose(float[] expected, ReadOnlySpan<float> actual, float tolerance, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (!(Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e))))
                Assert.Fail($"{context}: element {i} is {a}, expected {e}");
        }
    }
}
