using Descent.Optim.Schedules;
using Descent.Plots;

namespace Descent.Tests.Plots;

/// <summary>Figures draw what their pixels can show, so their cost does not grow with the series (issue 17).</summary>
public class DownsampleTests
{
    /// <summary>A schedule that counts how often it is evaluated.</summary>
    private sealed class Counting(long total) : Schedule
    {
        public long Calls;

        public override long? TotalSteps => total;

        protected override double LrCore(long step, double baseLr)
        {
            Calls++;
            return baseLr * (1 - (double)step / total);
        }
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1000L)]
    [InlineData(1_000_001L)]
    [InlineData(5_000_000_001L)]
    [InlineData(long.MaxValue)]
    public void Positions_are_increasing_with_both_ends_and_at_most_the_limit(long count)
    {
        var at = Downsample.Positions(count);
        Assert.Equal(Math.Min(count, Downsample.MaxPoints), at.Length);
        Assert.Equal(0, at[0]);
        Assert.Equal(count - 1, at[^1]);
        for (int i = 1; i < at.Length; i++) Assert.True(at[i] > at[i - 1], $"position {i}: {at[i]} after {at[i - 1]}");
    }

    [Fact]
    public void A_schedule_figure_evaluates_the_same_number_of_steps_for_any_length()
    {
        var shortRun = new Counting(1000);
        var longRun = new Counting(5_000_000_000);
        TrainingFigures.ScheduleCurve(shortRun, 1001, 0.1);
        TrainingFigures.ScheduleCurve(longRun, 5_000_000_001, 0.1);
        Assert.Equal(1001, shortRun.Calls);
        Assert.Equal(Downsample.MaxPoints, longRun.Calls);
    }

    [Fact]
    public void MinMax_keeps_spikes_and_the_range_within_the_limit()
    {
        int n = 1_000_003;
        var xs = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var ys = xs.Select(x => Math.Sin(x / 1000)).ToArray();
        ys[777_777] = 50;
        ys[123_456] = -50;
        var (dx, dy) = Downsample.MinMax(xs, ys);
        Assert.True(dy.Length <= Downsample.MaxPoints, $"{dy.Length} points");
        Assert.Equal(50, dy.Max());
        Assert.Equal(-50, dy.Min());
        Assert.Equal(777_777, dx[Array.IndexOf(dy, 50.0)]);
        for (int i = 1; i < dx.Length; i++) Assert.True(dx[i] > dx[i - 1]);
    }

    [Fact]
    public void Short_series_are_drawn_whole()
    {
        double[] xs = [0, 1, 2], ys = [3, 1, 2];
        var (dx, dy) = Downsample.MinMax(xs, ys);
        Assert.Same(xs, dx);
        Assert.Same(ys, dy);
    }
}
