namespace Descent.Tests.Ops;

/// <summary>The fused recurrent op with per-row lengths: every input's gradient against finite differences.</summary>
public class RecurrentLengthsTests
{
    public static TheoryData<int, bool> Cells => new()
    {
        { (int)RecurrentCell.RnnTanh, false }, { (int)RecurrentCell.RnnTanh, true },
        { (int)RecurrentCell.RnnRelu, false },
        { (int)RecurrentCell.Lstm, false }, { (int)RecurrentCell.Lstm, true },
        { (int)RecurrentCell.Gru, false }, { (int)RecurrentCell.Gru, true },
    };

    [Theory, MemberData(nameof(Cells))]
    public void Gradients_with_mixed_lengths_match_finite_differences(int cellIndex, bool reverse)
    {
        var cell = (RecurrentCell)cellIndex;
        int gates = cell switch { RecurrentCell.Lstm => 4, RecurrentCell.Gru => 3, _ => 1 };
        const int steps = 4, n = 3, inputs = 2, hidden = 3;
        int[] lengths = [2, steps, 1];
        var g = new Generator(50 + (ulong)cellIndex);
        var tensors = new List<Tensor>
        {
            Tensor.Randn([steps, n, inputs], g), Tensor.Randn([gates * hidden, inputs], g) * 0.5f,
            Tensor.Randn([gates * hidden, hidden], g) * 0.5f, Tensor.Randn([gates * hidden], g), Tensor.Randn([gates * hidden], g),
            Tensor.Randn([n, hidden], g),
        };
        if (cell == RecurrentCell.Lstm) tensors.Add(Tensor.Randn([n, hidden], g));
        GradCheck.Assert(t => Tensor.Recurrent(cell, t[0], t[1], t[2], t[3], t[4], t[5], t.Length > 6 ? t[6] : null, reverse, lengths),
            [.. tensors.Select(t => t.RequireGrad())]);
    }

    [Fact]
    public void Past_its_length_a_row_carries_its_state_and_its_inputs_get_no_gradient()
    {
        var g = new Generator(60);
        var x = Tensor.Randn([4, 2, 3], g).RequireGrad();
        var wIh = Tensor.Randn([12, 3], g);
        var wHh = Tensor.Randn([12, 3], g);
        var h0 = Tensor.Randn([2, 3], g);
        var c0 = Tensor.Randn([2, 3], g);
        var y = Tensor.Recurrent(RecurrentCell.Lstm, x, wIh, wHh, null, null, h0, c0, reverse: false, [4, 2]);
        for (int t = 2; t < 4; t++) Assert.Equal(y[1, 1].ToArray(), y[t, 1].ToArray());
        // The final cell state (after the hidden states) is the one after the row's last valid step.
        Tensor twoSteps;
        using (global::Descent.Autograd.NoGrad()) twoSteps = Tensor.Recurrent(RecurrentCell.Lstm, x[..2], wIh, wHh, null, null, h0, c0, reverse: false);
        Assert.Equal(twoSteps[2, 1].ToArray(), y[4, 1].ToArray());
        y.Sum().Backward();
        Assert.All(x.Grad![2, 1].ToArray().Concat(x.Grad[3, 1].ToArray()), v => Assert.Equal(0f, v));
        Assert.Contains(x.Grad[1, 1].ToArray(), v => v != 0f);
    }
}
