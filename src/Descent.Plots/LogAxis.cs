using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Descent.Plots;

/// <summary>
/// ScottPlot 5 has no logarithmic axis, so one is emulated: data is plotted as log10(value), the axis is fixed
/// to the data's range, and ticks are placed at 1, 2, 5 × 10^k (or only at powers of ten over wide ranges) and
/// labelled with the original values (1e-3, 0.01, 0.5, 10, 1e5).
/// </summary>
internal static class LogAxis
{
    private const int MaxMajors = 9;

    // Mantissas tried for the major ticks, coarse to fine; the first giving at least 3 ticks in range wins.
    private static readonly double[][] MantissaSets =
    [
        [1],
        [1, 2, 5],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9],
    ];

    /// <summary>Fixes <paramref name="axis"/> to [<paramref name="logMin"/>, <paramref name="logMax"/>] (log10 units) plus a margin and labels it.</summary>
    public static void Apply(Plot plot, IAxis axis, double logMin, double logMax)
    {
        double span = Math.Max(logMax - logMin, 0.05);
        double lo = logMin - span * 0.04, hi = logMin + span * 1.04;
        if (axis is IXAxis x) plot.Axes.SetLimitsX(lo, hi, x);
        else if (axis is IYAxis y) plot.Axes.SetLimitsY(lo, hi, y);
        axis.TickGenerator = new NumericManual(Ticks(lo, hi));
    }

    /// <summary>Major and minor ticks for the log10 range [<paramref name="lo"/>, <paramref name="hi"/>].</summary>
    public static Tick[] Ticks(double lo, double hi)
    {
        var ticks = new List<Tick>();
        int kLo = (int)Math.Floor(lo), kHi = (int)Math.Ceiling(hi);
        if (hi - lo >= 2.5)
        {
            // Wide ranges: powers of ten only, thinned to at most MaxMajors labels.
            int stride = Math.Max(1, (int)Math.Ceiling((hi - lo) / MaxMajors));
            for (int k = kLo; k <= kHi; k++)
            {
                if (k < lo || k > hi) continue;
                if (k % stride == 0) ticks.Add(Tick.Major(k, Label(1, k)));
                else ticks.Add(Tick.Minor(k));
                if (stride == 1)
                    for (int m = 2; m <= 9; m++) AddMinorIn(ticks, k + Math.Log10(m), lo, hi);
            }
            return [.. ticks];
        }
        foreach (var set in MantissaSets)
        {
            var majors = new List<(double Position, string Label)>();
            for (int k = kLo; k <= kHi; k++)
                foreach (var m in set)
                {
                    double p = k + Math.Log10(m);
                    if (p >= lo && p <= hi) majors.Add((p, Label(m, k)));
                }
            if (majors.Count >= 3)
            {
                foreach (var (p, label) in majors) ticks.Add(Tick.Major(p, label));
                for (int k = kLo; k <= kHi; k++)
                    for (int m = 1; m <= 9; m++)
                    {
                        double p = k + Math.Log10(m);
                        if (!set.Contains(m)) AddMinorIn(ticks, p, lo, hi);
                    }
                return [.. ticks];
            }
        }
        return LinearTicks(lo, hi);
    }

    /// <summary>
    /// Less than a factor of about 1.5 between the ends: even the finest mantissas give under three ticks, so
    /// ticks are spaced evenly in value (1-2-5 steps) and placed at their logarithms.
    /// </summary>
    private static Tick[] LinearTicks(double lo, double hi)
    {
        double a = Math.Pow(10, lo), b = Math.Pow(10, hi);
        double raw = (b - a) / 4, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(st => st >= raw);
        var ticks = new List<Tick>();
        for (double v = Math.Ceiling(a / step) * step; v <= b; v += step)
            ticks.Add(Tick.Major(Math.Log10(v), v.ToString("g4", CultureInfo.InvariantCulture)));
        return [.. ticks];
    }

    /// <summary>The label of m·10^k: plain decimals from 0.01 to 9999, else "2e-5".</summary>
    public static string Label(double mantissa, int exponent)
    {
        double value = mantissa * Math.Pow(10, exponent);
        if (exponent is >= -2 and <= 3)
            return Math.Round(value, 2 - exponent + 2).ToString("0.####", CultureInfo.InvariantCulture);
        return $"{mantissa.ToString("0.#", CultureInfo.InvariantCulture)}e{exponent}";
    }

    private static void AddMinorIn(List<Tick> ticks, double p, double lo, double hi)
    {
        if (p >= lo && p <= hi) ticks.Add(Tick.Minor(p));
    }

    /// <summary>
    /// log10 of each value, cut at the first non-finite one (a diverged run ends its curve there rather than
    /// stretching the axis to infinity). Throws when a finite value is not positive, since it has no logarithm.
    /// </summary>
    public static double[] ToLog10(string figure, string series, IReadOnlyList<double> values)
    {
        var result = new List<double>(values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v)) break;
            if (v <= 0)
                throw new ArgumentOutOfRangeException(nameof(values), v,
                    $"{figure}: a log axis needs positive values; '{series}' has {Style.Number(v)} at index {i}");
            result.Add(Math.Log10(v));
        }
        return [.. result];
    }
}
