using Descent.Nn;
using F = Descent.Nn.Functional;

namespace Descent.Tests.Nn;

public class BatchNormTests
{
    /// <summary>Per-channel mean, biased and unbiased variance of an [N, C, ...] tensor, in double.</summary>
    private static (double[] Mean, double[] Biased, double[] Unbiased) Stats(Tensor x)
    {
        int n = x.Size(0), c = x.Size(1), inner = x.Numel / (n * c), count = n * inner;
        var mean = new double[c];
        var biased = new double[c];
        var unbiased = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, n).SelectMany(b => Enumerable.Range(0, inner).Select(i => (double)x.Data[(b * c + ch) * inner + i])).ToArray();
            mean[ch] = values.Average();
            double ss = values.Sum(v => (v - mean[ch]) * (v - mean[ch]));
            biased[ch] = ss / count;
            unbiased[ch] = ss / (count - 1);
        }
        return (mean, biased, unbiased);
    }

    /// <summary>(x - mean) / √(var + eps) · w + b per channel, in double.</summary>
    private static void AssertNormalized(Tensor x, Tensor y, double[] mean, double[] variance, float[] w, float[] b, float eps = 1e-5f)
    {
        int n = x.Size(0), c = x.Size(1), inner = x.Numel / (n * c);
        for (int i = 0; i < x.Numel; i++)
        {
            int ch = i / inner % c;
            double expected = (x.Data[i] - mean[ch]) / Math.Sqrt(variance[ch] + eps) * w[ch] + b[ch];
            Assert.Equal(expected, y.Data[i], 1e-4);
        }
    }

    private static void Randomize(BatchNorm bn, ulong seed)
    {
        var g = new Generator(seed);
        Tensor.Randn([bn.NumFeatures], g).Data.CopyTo(bn.Weight!.DataSpan);
        Tensor.Randn([bn.NumFeatures], g).Data.CopyTo(bn.Bias!.DataSpan);
    }

    public static TheoryData<int[]> Shapes1d => new() { new[] { 6, 3 }, new[] { 4, 3, 5 }, new[] { 1, 3, 4 }, new[] { 2, 3, 1 } };
    public static TheoryData<int[]> Shapes2d => new() { new[] { 2, 3, 4, 5 }, new[] { 1, 3, 2, 3 }, new[] { 3, 3, 1, 1 } };

    private static BatchNorm Make(int[] shape) => shape.Length == 4 ? new BatchNorm2d(shape[1]) : new BatchNorm1d(shape[1]);

    [Theory, MemberData(nameof(Shapes1d)), MemberData(nameof(Shapes2d))]
    public void Training_normalises_with_batch_statistics_and_updates_running_stats_by_the_formula(int[] shape)
    {
        var bn = Make(shape);
        Randomize(bn, 1);
        var x = Tensor.Randn(shape, new Generator(2)).Mul(3f).Add(1.5f);
        var y = bn.Forward(x);
        var (mean, biased, unbiased) = Stats(x);
        AssertNormalized(x, y, mean, biased, bn.Weight!.ToArray(), bn.Bias!.ToArray());
        // PyTorch: running = (1 - momentum)·running + momentum·batch, with the UNBIASED batch variance.
        for (int c = 0; c < bn.NumFeatures; c++)
        {
            Assert.Equal(0.9 * 0 + 0.1 * mean[c], bn.RunningMean!.Data[c], 1e-5);
            Assert.Equal(0.9 * 1 + 0.1 * unbiased[c], bn.RunningVar!.Data[c], 1e-4);
        }
        Assert.Equal(1f, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    public void A_null_momentum_keeps_a_cumulative_average()
    {
        var bn = new BatchNorm1d(2, momentum: null);
        var a = Tensor.Randn([5, 2], new Generator(3));
        var b = Tensor.Randn([5, 2], new Generator(4)).Add(2f);
        bn.Forward(a);
        bn.Forward(b);
        var (ma, _, va) = Stats(a);
        var (mb, _, vb) = Stats(b);
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal((ma[c] + mb[c]) / 2, bn.RunningMean!.Data[c], 1e-5);
            Assert.Equal((va[c] + vb[c]) / 2, bn.RunningVar!.Data[c], 1e-5);
        }
        Assert.Equal(2f, bn.NumBatchesTracked!.Item());
    }

    [Theory, MemberData(nameof(Shapes1d)), MemberData(nameof(Shapes2d))]
    public void Eval_uses_the_running_statistics_and_leaves_them_alone(int[] shape)
    {
        var bn = Make(shape);
        Randomize(bn, 5);
        bn.Forward(Tensor.Randn(shape, new Generator(6)).Mul(2f).Add(-1f));
        var runningMean = bn.RunningMean!.ToArray();
        var runningVar = bn.RunningVar!.ToArray();
        var x = Tensor.Randn(shape, new Generator(7));
        var y = bn.Eval().Forward(x);
        AssertNormalized(x, y, runningMean.Select(v => (double)v).ToArray(), runningVar.Select(v => (double)v).ToArray(), bn.Weight!.ToArray(), bn.Bias!.ToArray());
        Assert.Equal(runningMean, bn.RunningMean!.ToArray());
        Assert.Equal(runningVar, bn.RunningVar!.ToArray());
        Assert.Equal(1f, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    public void Train_and_eval_outputs_differ()
    {
        var bn = new BatchNorm2d(3);
        var x = Tensor.Randn([4, 3, 2, 2], new Generator(8)).Mul(5f).Add(3f);
        var trained = bn.Forward(x).ToArray();
        var evaluated = bn.Eval().Forward(x).ToArray();
        Assert.True(trained.Zip(evaluated, (a, b) => Math.Abs(a - b)).Max() > 0.1);
        Assert.Equal(trained, bn.Train().Forward(x).ToArray());
    }

    [Theory, MemberData(nameof(Shapes1d)), MemberData(nameof(Shapes2d))]
    public void Training_gradients_match_finite_differences(int[] shape)
    {
        var bn = Make(shape);
        Randomize(bn, 9);
        ModuleGradCheck.Assert(bn, Tensor.Randn(shape, new Generator(10)));
    }

    [Fact]
    public void Eval_gradients_match_finite_differences()
    {
        var bn = new BatchNorm1d(3);
        Randomize(bn, 11);
        bn.Forward(Tensor.Randn([5, 3], new Generator(12)));
        ModuleGradCheck.Assert(bn.Eval(), Tensor.Randn([2, 3], new Generator(13)));
    }

    [Fact]
    public void Functional_gradients_reach_weight_and_bias()
    {
        var g = new Generator(14);
        var x = Tensor.Randn([4, 3, 2], g).RequireGrad();
        var w = Tensor.Randn([3], g).RequireGrad();
        var b = Tensor.Randn([3], g).RequireGrad();
        GradCheck.Assert(t => F.BatchNorm(t[0], null, null, t[1], t[2], training: true), x, w, b);
    }

    [Fact]
    public void Without_running_stats_it_has_no_buffers_and_eval_uses_batch_statistics()
    {
        var bn = new BatchNorm1d(3, trackRunningStats: false);
        Assert.Empty(bn.NamedBuffers());
        var x = Tensor.Randn([6, 3], new Generator(15));
        Assert.Equal(bn.Forward(x).ToArray(), bn.Eval().Forward(x).ToArray());
    }

    [Fact]
    public void Without_affine_it_has_no_parameters_and_normalises_to_zero_mean_unit_variance()
    {
        var bn = new BatchNorm1d(2, affine: false);
        Assert.Empty(bn.Parameters());
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        var y = bn.Forward(Tensor.Randn([50, 2], new Generator(16)).Mul(4f).Add(7f));
        var (mean, biased, _) = Stats(y);
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(0, mean[c], 1e-5);
            Assert.Equal(1, biased[c], 1e-3);
        }
    }

    [Fact]
    public void Wrong_rank_or_channels_name_the_layer_and_shapes()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new BatchNorm1d(4).Forward(Tensor.Zeros(2, 3)));
        Assert.Equal("BatchNorm1d: input's dimension 1 must be num_features=4; got input [2, 3] and weight [4]", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new BatchNorm1d(4).Forward(Tensor.Zeros(2, 4, 1, 1)));
        Assert.StartsWith("BatchNorm1d: expected input [N, 4] or [N, 4, L]", e2.Message);
        Assert.EndsWith("got input [2, 4, 1, 1]", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 3, 4)));
        Assert.Contains("BatchNorm2d: expected input [N, 3, H, W]", e3.Message);
        Assert.Contains("running_mean [5]", Assert.Throws<ArgumentException>(() => new BatchNorm2d(5, affine: false).Forward(Tensor.Zeros(2, 3, 2, 2))).Message);
    }

    [Fact]
    public void One_value_per_channel_in_training_is_an_error_that_changes_nothing()
    {
        var bn = new BatchNorm1d(3);
        var e = Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Ones(1, 3)));
        Assert.Contains("BatchNorm1d: expected more than 1 value per channel when training; got input [1, 3]", e.Message);
        Assert.Equal(0f, bn.NumBatchesTracked!.Item());
        Assert.Equal([1f, 1f, 1f], bn.Eval().Forward(Tensor.Ones(1, 3)).ToArray().Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void Invalid_hyper_parameters_are_rejected_naming_the_parameter()
    {
        Assert.Equal("numFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(0)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(3, eps: 0f)).ParamName);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(3, momentum: 1.5f));
        Assert.Equal("momentum", e.ParamName);
        Assert.Equal(1.5f, e.ActualValue);
    }
}
