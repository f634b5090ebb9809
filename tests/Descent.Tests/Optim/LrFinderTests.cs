using Descent.Optim;
using Descent.Tests.Optim.Schedules;

namespace Descent.Tests.Optim;

public class LrFinderTests
{
    /// <summary>A linear regression with three features and a bias: convex, with a known solution; full batch or mini-batches in a fixed order.</summary>
    private sealed class Problem
    {
        public Problem(ulong seed, int n = 64, float noise = 0.01f, int batch = 0)
        {
            var g = new Generator(seed);
            X = Tensor.Randn([n, 3], g);
            Y = X.MatMul(Tensor.FromArray([1.5f, -2f, 0.5f], 3, 1)) + 0.3f + noise * Tensor.Randn([n, 1], g);
            Model = new LinearRegression(3, g);
            Batch = batch;
        }

        private int _next;

        public Tensor X { get; }
        public Tensor Y { get; }
        public LinearRegression Model { get; }
        public int Batch { get; }

        public Tensor Loss() => (Model.Forward(X) - Y).Square().Mean();

        /// <summary>The loss on the next mini-batch (the whole set when Batch is 0).</summary>
        public Tensor BatchLoss()
        {
            if (Batch == 0) return Loss();
            int n = X.Size(0) / Batch;
            int b = _next++ % n;
            var x = X.Narrow(0, b * Batch, Batch);
            var y = Y.Narrow(0, b * Batch, Batch);
            return (Model.Forward(x) - y).Square().Mean();
        }
    }

    [Fact]
    public void SuggestsARateThatTrainsAConvexProblemAndRestoresTheModel()
    {
        // Mini-batches of 16 with label noise make the low-rate end of the curve flat and noisy, as on real
        // data; on a noiseless full batch the smoothed loss falls strictly all the way and fastai's valley
        // lands at the geometric middle of the sweep, far below a useful rate.
        var problem = new Problem(7, n: 512, noise: 0.5f, batch: 16);
        var opt = new PlainGradientDescent(problem.Model.Parameters(), lr: 0.123);
        var weightBefore = problem.Model.Weight.ToArray();
        var biasBefore = problem.Model.Bias.ToArray();

        float[]? lastSeen = null;
        var result = LrFinder.Run(problem.Model, opt, () =>
        {
            lastSeen = problem.Model.Weight.ToArray();
            return problem.BatchLoss();
        });

        Assert.NotEqual(weightBefore, lastSeen);   // the sweep did train
        Assert.Equal(weightBefore, problem.Model.Weight.ToArray());
        Assert.Equal(biasBefore, problem.Model.Bias.ToArray());
        Assert.Equal(0.123, opt.ParamGroups[0].Lr);
        Assert.Equal(0, opt.StepCount);
        Assert.All(problem.Model.Parameters(), p => Assert.True(p.Grad is null || p.Grad.ToArray().All(v => v == 0)));

        double lr = result.Suggestion;
        Assert.Equal(result.Valley.Lr, lr);
        Assert.InRange(lr, 1e-7, 10);
        double initial = problem.Loss().Item();
        opt.ParamGroups[0].Lr = lr;
        for (int i = 0; i < 100; i++)
        {
            problem.Loss().Backward();
            opt.Step();
            opt.ZeroGrad();
        }
        double final = problem.Loss().Item();
        // the noise floor is 0.5² = 0.25
        Assert.True(final < initial / 10 && final < 0.5, $"lr {lr}: loss {initial} -> {final}");
    }

    [Fact]
    public void SweepsExponentiallyAndStopsWhenTheLossDiverges()
    {
        var problem = new Problem(3);
        var opt = new PlainGradientDescent(problem.Model.Parameters(), lr: 0.1);
        var result = LrFinder.Run(problem.Model, opt, problem.Loss);
        // gradient descent on this quadratic diverges above lr ≈ 1, well before 10
        Assert.True(result.Diverged);
        Assert.True(result.Lrs.Count < 100);
        Assert.True(result.Losses[^1] > 4 * result.Losses.Min());
        for (int i = 0; i < result.Lrs.Count; i++)
            Assert.Equal(1e-7 * Math.Pow(10 / 1e-7, i / 100.0), result.Lrs[i], 1e-12 * result.Lrs[i]);
        Assert.True(result.Steep.Lr < result.Lrs[^1]);
        Assert.Equal(result.Minimum.PointLr / 10, result.Minimum.Lr);
    }

    [Fact]
    public void SmoothsTheLossWithBiasCorrection()
    {
        // A loss that is 10 for 3 iterations, then 1, never diverging (stopDiv off): the smoothed values are
        // avg_i/(1 - 0.98^(i+1)) with avg = 0.98·avg + 0.02·loss.
        var w = Tensor.Zeros(1).RequireGrad();
        var model = new WrappedParameter(w);
        var opt = new PlainGradientDescent(model.Parameters(), 0.1);
        int calls = 0;
        var result = LrFinder.Run(model, opt, () => model.P.Sum() * 0f + (calls++ < 3 ? 10f : 1f), numIter: 20, stopDiv: false);
        Assert.Equal(20, result.Losses.Count);
        double avg = 0;
        for (int i = 0; i < 20; i++)
        {
            avg = 0.98 * avg + 0.02 * (i < 3 ? 10 : 1);
            Assert.Equal(avg / (1 - Math.Pow(0.98, i + 1)), result.Losses[i], 1e-9);
        }
        Assert.Equal(10, result.Losses[0], 1e-9);
        Assert.False(result.Diverged);
    }

    [Fact]
    public void RestoresTheModelEvenWhenTheLossThrows()
    {
        var w = Tensor.FromArray([2f, 3f]).RequireGrad();
        var model = new WrappedParameter(w);
        var opt = new PlainGradientDescent(model.Parameters(), 0.5);
        int calls = 0;
        Assert.Throws<InvalidOperationException>(() => LrFinder.Run(model, opt, () =>
            ++calls < 5 ? model.P.Square().Sum() : throw new InvalidOperationException("data ran out")));
        Assert.Equal([2f, 3f], model.P.ToArray());
        Assert.Equal(0.5, opt.ParamGroups[0].Lr);
    }

    [Fact]
    public void ValleyFollowsFastaisRule()
    {
        // 10 decreasing points then 3 rising: the longest decreasing run ends at index 9 and, since it starts
        // at the first point, fastai's max_start is 9 - lds = -1; sections = 10/3, idx = -1 + 3 + 1 = 3.
        double[] losses = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3, 4];
        double[] lrs = losses.Select((_, i) => Math.Pow(10, i - 6)).ToArray();
        var valley = LrFinder.Valley(lrs, losses);
        Assert.Equal(lrs[3], valley.Lr);
        Assert.Equal(7, valley.PointLoss);
    }

    [Fact]
    public void ValleyTakesTheLongestDecreasingSubsequenceNotJustARun()
    {
        // losses [5, 6, 4, 3, 7, 1]: the longest strictly decreasing subsequence is 5, 4, 3, 1 (lds[5] = 4),
        // so max_end = 5, max_start = 5 - 4 = 1; sections = 4/3, idx = 1 + 1 + 0 = 2.
        double[] losses = [5, 6, 4, 3, 7, 1];
        double[] lrs = [1, 2, 3, 4, 5, 6];
        Assert.Equal(3, LrFinder.Valley(lrs, losses).Lr);
    }

    [Fact]
    public void ValleyWithoutAnyDecreasePicksTheFirstPoint()
    {
        // fastai's max_start and max_end stay at 0 when no point is below an earlier one.
        double[] lrs = [1, 2, 3, 4];
        Assert.Equal(1, LrFinder.Valley(lrs, [1, 5, 5, 5]).Lr);
    }

    [Fact]
    public void SteepPicksTheLeftEndOfTheSteepestDrop()
    {
        double[] lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1];
        double[] losses = [5, 4.9, 4, 3.9, 3.8];
        var steep = LrFinder.Steep(lrs, losses);
        Assert.Equal(1e-3, steep.Lr);
        Assert.Equal(4.9, steep.PointLoss);
    }

    [Fact]
    public void MinimumIsATenthOfTheRateAtTheLowestLoss()
    {
        double[] lrs = [1e-3, 1e-2, 1e-1, 1];
        double[] losses = [3, 2, 1, 5];
        var minimum = LrFinder.Minimum(lrs, losses);
        Assert.Equal(1e-2, minimum.Lr, 15);
        Assert.Equal(1e-1, minimum.PointLr);
    }

    [Fact]
    public void TrimDropsTheFirstTenthTheLastFiveAndFromTheFirstNaN()
    {
        var lrs = Enumerable.Range(0, 100).Select(i => (double)i).ToList();
        var losses = lrs.ToList();
        var (l, _) = LrFinder.Trim(lrs, losses, 100);
        Assert.Equal(10, l[0]);
        Assert.Equal(94, l[^1]);
        losses[50] = double.NaN;
        var (l2, v2) = LrFinder.Trim(lrs, losses, 100);
        Assert.Equal(49, l2[^1]);
        Assert.DoesNotContain(double.NaN, v2);
        Assert.Empty(LrFinder.Trim(lrs.Take(14).ToList(), losses.Take(14).ToList(), 100).Lrs);
    }

    [Fact]
    public void ASweepTooShortForSuggestionsSaysSo()
    {
        var model = new WrappedParameter(Tensor.FromArray([1f]).RequireGrad());
        var opt = new PlainGradientDescent(model.Parameters(), 0.1);
        int calls = 0;
        // the loss jumps by 100× at the third iteration: the smoothed loss exceeds 4× the best at once
        var e = Assert.Throws<InvalidOperationException>(() =>
            LrFinder.Run(model, opt, () => model.P.Sum() * 0f + (++calls < 3 ? 1f : 100f)));
        Assert.Contains("stopped after 3 of 100 iterations", e.Message);
        Assert.Equal([1f], model.P.ToArray());
    }

    [Fact]
    public void ALossThatIsNotOneValueIsRefused()
    {
        var model = new WrappedParameter(Tensor.FromArray([1f, 2f]).RequireGrad());
        var opt = new PlainGradientDescent(model.Parameters(), 0.1);
        var e = Assert.Throws<ArgumentException>(() => LrFinder.Run(model, opt, () => model.P * 2f));
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void InvalidArgumentsNameTheParameterAndValue()
    {
        var model = new WrappedParameter(Tensor.FromArray([1f]).RequireGrad());
        var opt = new PlainGradientDescent(model.Parameters(), 0.1);
        Tensor Loss() => model.P.Sum();
        Expect.OutOfRange("startLr", "0", () => LrFinder.Run(model, opt, Loss, startLr: 0));
        Expect.OutOfRange("endLr", "1E-08", () => LrFinder.Run(model, opt, Loss, endLr: 1e-8));
        Expect.OutOfRange("numIter", "5", () => LrFinder.Run(model, opt, Loss, numIter: 5));
    }

    private sealed class WrappedParameter : Descent.Nn.Module
    {
        public WrappedParameter(Tensor value) => P = RegisterParameter("p", value);

        public Descent.Nn.Parameter P { get; }

        public override Tensor Forward(Tensor input) => input * P;
    }
}
