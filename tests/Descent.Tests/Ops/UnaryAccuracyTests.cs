namespace Descent.Tests.Ops;

/// <summary>
/// The elementwise transcendental ops against double precision, through the op (so whatever kernel the op picks
/// on this CPU is measured): near 0 in relative terms (1e-8 … 1e-2, both signs), densely over the range where the
/// value changes, and at large magnitude. A vectorized library's fast path can be accurate on one instruction set
/// and not another (TensorPrimitives 11's AVX-512 tanh gave tanh(1e-6) = 9.54e-7), so the bound is checked on
/// the machine that runs the tests, whichever path that is.
/// </summary>
public class UnaryAccuracyTests
{
    public sealed record Case(string Name, Func<Tensor, Tensor> Op, Func<double, double> Exact, float[] Inputs, double MaxUlps)
    {
        public override string ToString() => Name;
    }

    // Near 0 logarithmically from 1e-8 to 1e-2 on both sides, densely over [-lim, lim], and out to ±big.
    private static float[] Around(float lim, float big)
    {
        var values = new List<float> { 0f, -0f };
        for (double v = 1e-8; v <= 1e-2; v *= 1.05) { values.Add((float)v); values.Add((float)-v); }
        for (int i = -4000; i <= 4000; i++) values.Add(i * lim / 4000f + 1.2345e-5f);
        for (double v = lim; v <= big; v *= 1.1) { values.Add((float)v); values.Add((float)-v); }
        return [.. values];
    }

    // Positive arguments from 1e-30 to 1e30, densely around 1 where log and its kin cancel.
    private static float[] Positive()
    {
        var values = new List<float>();
        for (double v = 1e-30; v <= 1e30; v *= 1.3) values.Add((float)v);
        for (int i = -4000; i <= 4000; i++) values.Add(1f + i * 1e-4f);
        for (double v = 1e-8; v <= 1e-2; v *= 1.05) { values.Add((float)(1 + v)); values.Add((float)(1 - v)); }
        return [.. values];
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    // Φ(x) through erfc, which keeps its relative accuracy in the negative tail where 1 + erf cancels.
    private static double Gelu(double x) => x * 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double Erf(double x) => Math.Abs(x) < 0.5 ? ErfSeries(x) : Math.Sign(x) * (1 - Erfc(Math.Abs(x)));

    // erfc to double accuracy without the library's SpecialFunctions: the Maclaurin series of erf below 2.5
    // (alternating terms that shrink fast), erfc's continued fraction above, and erfc(−z) = 2 − erfc(z).
    private static double Erfc(double z)
    {
        if (z < 0) return 2 - Erfc(-z);
        if (z < 2.5) return 1 - ErfSeries(z);
        double f = 0;
        for (int n = 80; n >= 1; n--) f = n / 2.0 / (z + f);
        return Math.Exp(-z * z) / Math.Sqrt(Math.PI) / (z + f);
    }

    private static double ErfSeries(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 90; n++, term *= -x * x / n)
            sum += term / (2 * n + 1);
        return sum * 2 / Math.Sqrt(Math.PI);
    }

    // log(1 + e) and e^x − 1 without the cancellation of their direct forms (Goldberg's corrections).
    private static double Log1P(double e)
    {
        double u = 1 + e;
        return u == 1 ? e : Math.Log(u) * e / (u - 1);
    }

    private static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        return u == 1 ? x : u == 0 ? -1 : (u - 1) * x / Math.Log(u);
    }

    private static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    public static TheoryData<Case> Cases => new()
    {
        new Case("Tanh", t => t.Tanh(), Math.Tanh, Around(12f, 100f), 3),
        new Case("Sigmoid", t => t.Sigmoid(), Sigmoid, Around(20f, 87f), 3),
        // x·σ(x) rounds twice (σ, then the product): one more half ulp than σ alone.
        new Case("Silu", t => t.Silu(), x => x * Sigmoid(x), Around(20f, 80f), 4),
        new Case("Exp", t => t.Exp(), Math.Exp, Around(20f, 88f), 3),
        new Case("Log", t => t.Log(), Math.Log, Positive(), 3),
        new Case("Sqrt", t => t.Sqrt(), Math.Sqrt, Positive(), 1),
        new Case("RSqrt", t => t.RSqrt(), x => 1 / Math.Sqrt(x), Positive(), 2),
        new Case("Elu", t => t.Elu(), x => x > 0 ? x : ExpM1(x), Around(20f, 80f), 3),
        new Case("Erf", t => t.Erf(), Erf, Around(5f, 100f), 3),
        new Case("Gelu", t => t.Gelu(), Gelu, Around(8f, 1e4f), 4),
        new Case("GeluTanh", t => t.Gelu("tanh"), GeluTanh, Around(8f, 1e4f), 3),
        new Case("Softplus", t => t.Softplus(), x => x > 20 ? x : Log1P(Math.Exp(x)), Around(20f, 80f), 3),
        new Case("Pow2.5", t => t.Pow(2.5f), x => Math.Pow(x, 2.5), Positive().Where(v => v < 1e15f).ToArray(), 3),
    };

    // An ulp at the exact value r, rounded to float; results below the smallest normal count in its ulp.
    private static double Ulps(float got, double exact)
    {
        if (double.IsNaN(exact)) return float.IsNaN(got) ? 0 : double.PositiveInfinity;
        if (double.IsInfinity(exact) || Math.Abs(exact) > float.MaxValue) return got == (float)exact ? 0 : double.PositiveInfinity;
        float r = Math.Max((float)Math.Abs(exact), 1.17549435e-38f);
        return Math.Abs(got - exact) / (MathF.BitIncrement(r) - r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void The_op_is_within_a_few_ulp_of_the_exact_value(Case c)
    {
        var y = c.Op(Tensor.FromArray(c.Inputs)).ToArray();
        // The worst element near 0 (|x| ≤ 1e-2, or x within 1e-2 of 1 for the positive domains) and elsewhere,
        // both in the message, so a failure says which part of the range is off.
        var worst = new (double Ulps, int At)[2];
        for (int i = 0; i < y.Length; i++)
        {
            float x = c.Inputs[i];
            int part = Math.Abs(x) <= 1e-2f || Math.Abs(x - 1f) <= 1e-2f ? 0 : 1;
            double u = Ulps(y[i], c.Exact(x));
            if (u > worst[part].Ulps) worst[part] = (u, i);
        }
        string Say((double Ulps, int At) w) =>
            $"{c.Name}({c.Inputs[w.At]:R}) = {y[w.At]:R}, exact {c.Exact(c.Inputs[w.At]):R}: {w.Ulps:G3} ulp";
        Assert.True(worst[0].Ulps <= c.MaxUlps && worst[1].Ulps <= c.MaxUlps,
            $"bound {c.MaxUlps} ulp; near 0: {Say(worst[0])}; elsewhere: {Say(worst[1])}");
    }
}
