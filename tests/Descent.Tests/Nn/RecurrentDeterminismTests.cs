using Descent.Kernels;
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

    [Fact]
    public void The_lstm_step_kernels_split_an_odd_batch_over_threads_without_changing_a_bit()
    {
        // 33 rows of 4 x 70 gates: above two parts' worth, cut 17 / 16, and 70 leaves a scalar tail in every row.
        const int n = 33, hidden = 70;
        Assert.True(n * 4 * hidden >= 2 * RecurrentKernel.MinGateElementsPerPart);
        var rng = new Generator(21);
        float[] Draw(int count) => Tensor.Randn([count], rng).ToArray();
        float[] pre = Draw(n * 4 * hidden), cPrev = Draw(n * hidden), dh = Draw(n * hidden), carry = Draw(n * hidden), bias = Draw(4 * hidden);
        float[][] Step()
        {
            var gates = (float[])pre.Clone();
            float[] c = new float[n * hidden], h = new float[n * hidden], dc = (float[])carry.Clone(), dGates = new float[n * 4 * hidden];
            RecurrentKernel.LstmForward(n, hidden, gates, bias, cPrev, c, h);
            RecurrentKernel.LstmBackward(n, hidden, gates, cPrev, c, dh, dc, dGates);
            return [gates, c, h, dc, dGates];
        }
        var one = ThreadCountCollection.With(1, Step);
        var two = ThreadCountCollection.With(2, Step);
        for (int i = 0; i < one.Length; i++) Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"array {i} differs between one and two threads");
    }

    [Theory, MemberData(nameof(Kinds))]
    public void An_odd_batch_with_lengths_splits_over_threads_without_changing_a_bit(string kind)
    {
        // 37 rows cut 19 / 18 between two threads, each running every step of its rows; lengths end rows inside
        // either part, so the carried states and the gradients passed through padding cross no part's edge.
        const int batch = 37, steps = 7;
        int width = (kind == "lstm" ? 4 : kind == "gru" ? 3 : 1) * 64;
        Assert.Equal(2, ThreadCountCollection.With(2, () => RecurrentSteps.Parts(batch, 64, width, steps)));
        var lengths = IntTensor.FromArray(Enumerable.Range(0, batch).Select(r => (long)(1 + r * 5 % steps)).ToArray());
        float[][] Run()
        {
            var net = Network(kind);
            var x = Tensor.Randn([steps, batch, 20], new Generator(11)).RequireGrad();
            var y = net switch
            {
                LSTM l => l.Forward(x, null, lengths).Output,
                GRU g => g.Forward(x, null, lengths).Output,
                RNN r => r.Forward(x, null, lengths).Output,
                _ => throw new InvalidOperationException(kind),
            };
            (y * Tensor.Randn(y.Shape, new Generator(12))).Sum().Backward();
            return [y.ToArray(), x.Grad!.ToArray(), .. net.Parameters().Select(p => p.Grad!.ToArray())];
        }
        var one = ThreadCountCollection.With(1, Run);
        var two = ThreadCountCollection.With(2, Run);
        for (int i = 0; i < one.Length; i++)
            Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"{kind}: array {i} differs between one and two threads");
    }

    [Theory]
    [InlineData(2048, 512)] [InlineData(2000, 70)] [InlineData(5, 16)]
    public void Column_sums_are_the_rows_added_in_order_on_one_and_two_threads(int count, int width)
    {
        var rows = Tensor.Randn([count * width], new Generator((ulong)count)).ToArray();
        var expected = new float[width];
        for (int r = 0; r < count; r++)
            for (int c = 0; c < width; c++) expected[c] += rows[r * width + c];
        foreach (int threads in new[] { 1, 2 })
        {
            var sums = ThreadCountCollection.With(threads, () =>
            {
                var s = Enumerable.Repeat(float.NaN, width).ToArray();
                RecurrentKernel.SumRows(rows, s);
                return s;
            });
            Assert.Equal(expected, sums);
        }
    }

    [Fact]
    public void The_time_loop_splits_rows_only_where_each_part_keeps_the_products_path()
    {
        ThreadCountCollection.With(2, () =>
        {
            // The benchmark's LSTM: 32 rows, 16 a part.
            Assert.Equal(2, RecurrentSteps.Parts(32, 128, 512, 64));
            // Fewer than two parts' worth of rows.
            Assert.Equal(1, RecurrentSteps.Parts(2 * RecurrentSteps.MinRowsPerPart - 1, 128, 512, 64));
            // Enough rows and steps, but 8 rows x 32 x 8 is below the GEMM's direct-path size, where it sums otherwise.
            Assert.False(RecurrentSteps.RowsComputeAlike(8, 32, 8));
            Assert.True(RecurrentSteps.RowsComputeAlike(16, 32, 8 * 8));
            Assert.Equal(1, RecurrentSteps.Parts(16, 8, 32, 4000));
            return 0;
        });
        Assert.Equal(1, ThreadCountCollection.With(1, () => RecurrentSteps.Parts(32, 128, 512, 64)));
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
