using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>
/// Where Descent runs a Linear and its activation as one op without being asked (a Sequential's neighbours, a
/// transformer block's feed-forward), the output and every gradient have the bits of the modules run one by one.
/// </summary>
public class FusedLinearActivationTests
{
    [Fact]
    public void SequentialGivesTheBitsOfItsModulesOneByOne()
    {
        var g = new Generator(3);
        var net = new Sequential(
            new Linear(6, 8, generator: g), new ReLU(),
            new Linear(8, 5, generator: g), new GELU("tanh"),
            new Linear(5, 7, bias: false, generator: g), new GELU(),
            new Linear(7, 4, generator: g), new Linear(4, 3, generator: g), new Descent.Nn.Tanh(),
            new ReLU(), new Linear(3, 2, generator: g));
        var x = Tensor.Randn([9, 6], new Generator(4));
        var fused = OutputAndGradients(net, x, input => net.Forward(input));
        var oneByOne = OutputAndGradients(net, x, input =>
        {
            foreach (var module in net) input = module.Forward(input);
            return input;
        });
        Assert.Equal(oneByOne.Length, fused.Length);
        for (int i = 0; i < fused.Length; i++) Assert.True(oneByOne[i].AsSpan().SequenceEqual(fused[i]), $"entry {i} differs");
    }

    [Fact]
    public void SequentialEndingInALinearRunsIt()
    {
        var g = new Generator(5);
        var net = new Sequential(new ReLU(), new Linear(3, 2, generator: g));
        var x = Tensor.Randn([4, 3], new Generator(6));
        Assert.Equal(((Linear)net[1]).Forward(x.Relu()).ToArray(), net.Forward(x).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformerFeedForwardGivesTheBitsOfLinearThenTheActivation(bool gelu)
    {
        var g = new Generator(7);
        var linear1 = new Linear(16, 40, generator: g);
        var linear2 = new Linear(40, 16, generator: g);
        var dropout = new Dropout(0.1f);
        dropout.Eval();
        var x = Tensor.Randn([3, 11, 16], new Generator(8));
        var parameters = new[] { linear1, linear2 }.SelectMany(l => l.Parameters()).ToArray();
        var fused = OutputAndGradients(parameters, x, input => TransformerBlocks.FeedForward(input, linear1, gelu, dropout, linear2, dropout));
        var oneByOne = OutputAndGradients(parameters, x, input =>
        {
            var hidden = linear1.Forward(input);
            return linear2.Forward(gelu ? hidden.Gelu() : hidden.Relu());
        });
        for (int i = 0; i < fused.Length; i++) Assert.True(oneByOne[i].AsSpan().SequenceEqual(fused[i]), $"entry {i} differs");
    }

    private static float[][] OutputAndGradients(Module net, Tensor x, Func<Tensor, Tensor> forward) =>
        OutputAndGradients(net.Parameters().ToArray(), x, forward);

    private static float[][] OutputAndGradients(Tensor[] parameters, Tensor x, Func<Tensor, Tensor> forward)
    {
        foreach (var p in parameters) p.Grad = null;
        var input = Tensor.FromArray(x.ToArray(), x.Shape).RequireGrad();
        var y = forward(input);
        y.Backward(Tensor.Randn(y.Shape, new Generator(9)));
        return [y.ToArray(), input.Grad!.ToArray(), .. parameters.Select(p => p.Grad!.ToArray())];
    }
}
