using System.Globalization;

namespace Descent.Cli.Report;

/// <summary>Number formats shared by the report's page and alt texts, matching the demo's printed numbers.</summary>
internal static class Numbers
{
    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Five decimals, or an exponent for a diverged run's huge values.</summary>
    public static string G(double value) =>
        !double.IsFinite(value) ? F(value, "0") : Math.Abs(value) < 1e4 ? F(value, "0.00000") : F(value, "0.00e+0");

    /// <summary>A learning rate: four decimals, or an exponent for tiny ones.</summary>
    public static string Lr(double value) => value >= 1e-3 || value == 0 ? F(value, "0.0000") : F(value, "0.0e+0");
}
