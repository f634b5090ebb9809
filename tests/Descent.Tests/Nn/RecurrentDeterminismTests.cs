using Descent.Nn;
using Descent.Tests.Kernels;

namespace Descent.Tests.Nn;

/// <summary>
/// The recurrent op's buffers and splits: at sizes where its products split over threads, the output and every
/// gradient are bit-identical on one and two threads and run to run; a forward without grad (scratch buffers)
/// computes what one with grad (kept gates) does; and the saved gates survive a backward that retains the graph.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public class RecurrentDeterminismTests
{
    public static TheoryData<string> Kinds => new() { "rnn", "relu", "lstm", "gru" };

    // Batch 32 and hidden 64: each step's h·W_hhᵀ (32 x 64·G x 64) is above the GEMM's threshold for a second thread.
    private static Module Network(string kind) => kind switch
    {
        "rnn" => new RNN(20, 64, 2, "tanh", bidirectional: true, generator: new Generator(5)),
        "relu" => new RNN(20, 64, 2, "relu", bidirectional: true, generator: new Generator(5)),
        "lstm" => new LSTM(20, 64, 2, bidirectional: true, generator: new Generator(5)),
        _ => new GRU(20, 64, 2, bidirectional: true, generator: new Generator(5)),
    };

    private static float[][] OutputAndGradients(string kind)
    {
        var net = Network(kind);
        var x = Tensor.Randn([6, 32, 20], new Generator(6)).RequireGrad();
        var y = net.Forward(x);
        (y * Tensor.Randn(y.Shape, new Generator(7))).Sum().Backward();
        return [y.ToArray(), x.Grad!.ToArray(), .. net.Parameters().Select(p => p.Grad!.ToArray())];
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Output_and_gradients_are_bit_identical_on_one_and_two_threads_and_run_to_run(string kind)
    {
        var one = ThreadCountCollection.With(1, () => OutputAndGradients(kind));
        var two = ThreadCountCollection.With(2, () => OutputAndGradients(kind));
        var again = ThreadCountCollection.With(2, () => OutputAndGradients(kind));
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"{kind}: array {i} differs between one and two threads");
            Assert.True(two[i].AsSpan().SequenceEqual(again[i]), $"{kind}: array {i} differs run to run");
        }
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_forward_without_grad_computes_what_one_with_grad_does(string kind)
    {
        var net = Network(kind);
        var x = Tensor.Randn([6, 32, 20], new Generator(8));
        var withGrad = net.Forward(x);
        Tensor without;
        using (Descent.Autograd.NoGrad()) without = net.Forward(x);
        Assert.NotNull(withGrad.GradFn);
        Assert.Null(without.GradFn);
        Assert.Equal(withGrad.ToArray(), without.ToArray());
    }

    [Theory, MemberData(nameof(Kinds))]
    public void A_retained_graph_gives_the_same_gradients_twice(string kind)
    {
        var net = Network(kind);
        // Each parameter gets one gradient per backward, so the second doubles it exactly (the input's sums two
        // directions' gradients, whose rounding a second pass would change).
        var x = Tensor.Randn([6, 32, 20], new Generator(9));
        var loss = (net.Forward(x) * Tensor.Randn([6, 32, 128], new Generator(10))).Sum();
        loss.Backward(retainGraph: true);
        var first = net.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        loss.Backward();
        var twice = net.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        for (int i = 0; i < first.Length; i++)
            Assert.Equal(first[i].Select(v => v + v).ToArray(), twice[i]);
    }
}
