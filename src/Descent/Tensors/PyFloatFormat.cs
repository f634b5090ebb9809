using System.Globalization;
using System.Numerics;

namespace Descent;

/// <summary>
/// Python's <c>'{:.Nf}'</c> and <c>'{:.Ne}'</c> for doubles, which PyTorch's printing uses: digits of the
/// exact binary value, rounded half to even. .NET's format strings round half away from zero and, for
/// float, after first rounding to 7 digits, so 0.03125 would print as 0.0313 instead of PyTorch's 0.0312.
/// </summary>
internal static class PyFloatFormat
{
    /// <summary>Fixed-point with <paramref name="decimals"/> digits after the point.</summary>
    public static string Fixed(double value, int decimals)
    {
        if (!double.IsFinite(value)) return Special(value);
        var (num, den) = Exact(Math.Abs(value));
        var digits = RoundHalfEven(num * BigInteger.Pow(10, decimals), den).ToString(CultureInfo.InvariantCulture);
        digits = digits.PadLeft(decimals + 1, '0');
        string body = decimals == 0 ? digits : digits[..^decimals] + "." + digits[^decimals..];
        return (double.IsNegative(value) ? "-" : "") + body;
    }

    /// <summary>Scientific with <paramref name="decimals"/> digits after the point and a two-digit minimum exponent.</summary>
    public static string Scientific(double value, int decimals)
    {
        if (!double.IsFinite(value)) return Special(value);
        string sign = double.IsNegative(value) ? "-" : "";
        double a = Math.Abs(value);
        int exponent = 0;
        BigInteger mantissa = BigInteger.Zero;
        if (a != 0)
        {
            var (num, den) = Exact(a);
            exponent = (int)Math.Floor(Math.Log10(a));
            // Log10 can be off by one near powers of ten; settle it exactly: 10^e <= a < 10^(e+1).
            while (Compare(num, den, exponent) < 0) exponent--;
            while (Compare(num, den, exponent + 1) >= 0) exponent++;
            int scale = decimals - exponent;
            mantissa = scale >= 0
                ? RoundHalfEven(num * BigInteger.Pow(10, scale), den)
                : RoundHalfEven(num, den * BigInteger.Pow(10, -scale));
            if (mantissa == BigInteger.Pow(10, decimals + 1))
            {
                mantissa /= 10;
                exponent++;
            }
        }
        var digits = mantissa.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        string body = decimals == 0 ? digits : digits[..1] + "." + digits[1..];
        string exp = (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        return sign + body + "e" + exp;
    }

    private static string Special(double v) => double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";

    /// <summary>The exact value of a non-negative finite double as num / den.</summary>
    private static (BigInteger Num, BigInteger Den) Exact(double a)
    {
        long bits = BitConverter.DoubleToInt64Bits(a);
        int exp = (int)((bits >> 52) & 0x7FF);
        long man = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1;
        else man |= 1L << 52;
        exp -= 1075;
        return exp >= 0 ? (new BigInteger(man) << exp, BigInteger.One) : (new BigInteger(man), BigInteger.One << -exp);
    }

    /// <summary>Compares num/den with 10^power.</summary>
    private static int Compare(BigInteger num, BigInteger den, int power) => power >= 0
        ? num.CompareTo(den * BigInteger.Pow(10, power))
        : (num * BigInteger.Pow(10, -power)).CompareTo(den);

    private static BigInteger RoundHalfEven(BigInteger num, BigInteger den)
    {
        var q = BigInteger.DivRem(num, den, out var r);
        int c = (r * 2).CompareTo(den);
        if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        return q;
    }
}
