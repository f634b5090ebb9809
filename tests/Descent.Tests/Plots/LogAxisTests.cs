using Descent.Plots;

namespace Descent.Tests.Plots;

public class LogAxisTests
{
    [Theory]
    [InlineData(1, 0, "1")]
    [InlineData(1, 3, "1000")]
    [InlineData(5, -2, "0.05")]
    [InlineData(2, -1, "0.2")]
    [InlineData(1, -3, "1e-3")]
    [InlineData(2, -5, "2e-5")]
    [InlineData(1, 6, "1e6")]
    public void LabelsReadAsTheOriginalValues(double mantissa, int exponent, string expected) =>
        Assert.Equal(expected, LogAxis.Label(mantissa, exponent));

    [Fact]
    public void NarrowRangesGetOneTwoFiveTicks()
    {
        var majors = LogAxis.Ticks(-1.1, 0.6).Where(t => t.IsMajor).ToList();
        Assert.Equal(["0.1", "0.2", "0.5", "1", "2"], majors.Select(t => t.Label));
        Assert.Equal(Math.Log10(0.2), majors[1].Position, 12);
        Assert.Contains(LogAxis.Ticks(-1.1, 0.6), t => !t.IsMajor && Math.Abs(t.Position - Math.Log10(0.3)) < 1e-12);
    }

    [Fact]
    public void WideRangesGetPowersOfTenThinnedToNine()
    {
        var majors = LogAxis.Ticks(-7.2, 1.1).Where(t => t.IsMajor).Select(t => t.Label).ToList();
        Assert.Equal(["1e-7", "1e-6", "1e-5", "1e-4", "1e-3", "0.01", "0.1", "1", "10"], majors);
        var thinned = LogAxis.Ticks(-30, 30).Where(t => t.IsMajor).ToList();
        Assert.InRange(thinned.Count, 5, 9);
        Assert.All(thinned, t => Assert.Equal(0, t.Position % 7));
    }

    [Fact]
    public void VeryNarrowRangesStillGetThreeLabels()
    {
        var majors = LogAxis.Ticks(Math.Log10(2.1), Math.Log10(2.9)).Where(t => t.IsMajor).Select(t => t.Label).ToList();
        // 2.1 to 2.9 holds only the 2.5 mantissa, so the ticks fall back to even 0.2 steps in value.
        Assert.Equal(["2.2", "2.4", "2.6", "2.8"], majors);
        var tiny = LogAxis.Ticks(Math.Log10(100), Math.Log10(101)).Where(t => t.IsMajor).ToList();
        Assert.InRange(tiny.Count, 3, 6);
        Assert.All(tiny, t => Assert.Equal(Math.Pow(10, t.Position), double.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture), 9));
    }

    [Fact]
    public void Log10StopsAtTheFirstNonFiniteValue() =>
        Assert.Equal([0, 1, 2], LogAxis.ToLog10("F", "s", [1, 10, 100, double.NaN, 1000]));
}
