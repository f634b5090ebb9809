using Descent.Kernels;

namespace Descent;

/// <summary>The cell a recurrent op runs: its gate count G is 1 (RNN), 4 (LSTM) or 3 (GRU).</summary>
internal enum RecurrentCell { RnnTanh, RnnRelu, Lstm, Gru }

// One layer-direction of a recurrent network over a whole sequence as a single op, so that a step costs one
// GEMM for all gates and no graph nodes; backward through time is written by hand beside it.
public partial class Tensor
{
    /// <summary>
    /// Runs <paramref name="cell"/> over x [T, N, in] from h0 [N, H] (and c0 for the LSTM), in time order or
    /// reversed. Returns the hidden states [T, N, H], and for the LSTM with <paramref name="cellState"/> [T + 1, N, H]:
    /// the hidden states, then the final cell state (after the last step in time order, after step 0 reversed). The
    /// LSTM's module exposes only that cell state, so its backward takes a gradient for it alone instead of a
    /// zero-filled plane per step; a caller that drops the states asks for the hidden states alone, which it
    /// then needs no slice of (the slice's backward copied the whole gradient into a [T + 1, N, H] one).
    /// The caller (the module) has checked every shape and names itself in its errors.
    /// Saved for the backward: the result, the LSTM's cell states and activated gates, the GRU's gates and
    /// W_hn·h + b_hn, so the backward reruns no GEMM of the forward.
    /// With <paramref name="lengths"/> (one per batch row, each in [1, T], checked by the caller), step t of row r
    /// with t ≥ lengths[r] is padding: there the state is carried unchanged (its result holds the carried state)
    /// and its gradient passes straight through to the step before, so the padding's inputs get none. Time order
    /// then ends each row's state at its last valid step and the last step holds it; reversed, each row starts
    /// from h0 at its own last valid step and step 0 holds its final state. The module zeros the padded outputs.
    /// </summary>
    internal static Tensor Recurrent(RecurrentCell cell, Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh,
        Tensor h0, Tensor? c0, bool reverse, int[]? lengths = null, bool cellState = true)
    {
        int steps = x._shape[0], n = x._shape[1], inputs = x._shape[2], hidden = wHh._shape[1];
        int width = wIh._shape[0], plane = n * hidden, rows = n * width;
        bool lstm = cell == RecurrentCell.Lstm, gru = cell == RecurrentCell.Gru, relu = cell == RecurrentCell.RnnRelu;

        bool needsGrad = Autograd.IsEnabled && (x.RequiresGrad || wIh.RequiresGrad || wHh.RequiresGrad || (bIh?.RequiresGrad ?? false)
            || (bHh?.RequiresGrad ?? false) || h0.RequiresGrad || (c0?.RequiresGrad ?? false));
        var result = Uninitialized([lstm && cellState ? steps + 1 : steps, n, hidden]);
        var all = result.Storage.AsSpan(result.Offset, result.Numel);
        var hs = all[..(steps * plane)];
        // Every step's cell state is the backward's (a tensor, so a step scope recycles it), the forward's scratch otherwise.
        var cells = lstm && needsGrad ? Uninitialized([steps * plane]) : null;
        var cellScratch = lstm && !needsGrad ? ScratchPool.Rent(steps * plane) : null;
        var cs = cells != null ? cells.DataSpan : cellScratch != null ? cellScratch.AsSpan(0, steps * plane) : default;

        // All time steps' input products in one GEMM; the time loop adds the biases.
        // The LSTM's and GRU's activated gates (and the GRU's W_hn·h + b_hn) are kept for the backward, so they
        // need buffers of their own when it will run (tensors, so a step scope recycles them); the RNN's
        // pre-activations go straight into its output, which has their shape; scratch (megabytes for a long
        // sequence) serves the rest.
        var kind = cell switch
        {
            RecurrentCell.Lstm => RecurrentKind.Lstm,
            RecurrentCell.Gru => RecurrentKind.Gru,
            RecurrentCell.RnnRelu => RecurrentKind.Relu,
            _ => RecurrentKind.Tanh,
        };
        var pre = lstm && needsGrad ? Uninitialized([steps * rows]) : null;
        var scratch = lstm && !needsGrad || gru ? ScratchPool.Rent(steps * rows) : null;
        var xg = pre != null ? pre.DataSpan : scratch != null ? scratch.AsSpan() : hs;
        Gemm.Run(false, true, steps * n, width, inputs, x.Data, wIh.Data, xg);
        var inputBias = InputBias(bIh, gru ? null : bHh, width, out var biasScratch);

        var gates = gru && needsGrad ? Uninitialized([steps * rows]) : null;
        var hn = gru && needsGrad ? Uninitialized([steps * plane]) : null;
        var gruScratch = gru && !needsGrad ? ScratchPool.Rent(steps * (rows + plane)) : null;
        var gateSpan = gates != null ? gates.DataSpan : gruScratch != null ? gruScratch.AsSpan(0, steps * rows) : default;
        var hnSpan = hn != null ? hn.DataSpan : gruScratch != null ? gruScratch.AsSpan(steps * rows) : default;
        // W_hh is stored [G·H, H]; transposed once, each step's h·W_hhᵀ is a product whose both operands the
        // GEMM reads in place (as dot products of rows it sums a whole vector per output, which at H = 128
        // cost as much as the multiply-adds), and it adds into the step's input products directly.
        var wT = ScratchPool.Rent(hidden * width);
        RecurrentKernel.Transpose(width, hidden, wHh.Data, wT);
        RecurrentSteps.Forward(kind, steps, n, hidden, reverse, xg, inputBias, wT, gru && bHh != null ? bHh.Data : default, h0.Data,
            lstm ? c0!.Data : default, lengths, gateSpan, hnSpan, hs, cs);
        ScratchPool.Return(wT);
        if (lstm && cellState) cs.Slice((reverse ? 0 : steps - 1) * plane, plane).CopyTo(all[(steps * plane)..]);
        if (cellScratch != null) ScratchPool.Return(cellScratch);
        if (biasScratch != null) ScratchPool.Return(biasScratch);
        if (scratch != null) ScratchPool.Return(scratch);
        if (gruScratch != null) ScratchPool.Return(gruScratch);
        if (!needsGrad) return result;

        var inputsList = new List<Tensor> { x, wIh, wHh };
        if (bIh != null) inputsList.Add(bIh);
        if (bHh != null) inputsList.Add(bHh);
        inputsList.Add(h0);
        if (c0 != null) inputsList.Add(c0);
        return Graph.Record(result, cell switch { RecurrentCell.Lstm => "Lstm", RecurrentCell.Gru => "Gru", RecurrentCell.RnnRelu => "RnnRelu", _ => "RnnTanh" }, [.. inputsList], grad =>
        {
            // The time loop writes every element of dxg and dhg, and the gradients below are done with them
            // before the closure returns, so they are pooled scratch.
            var dxg = ScratchPool.Rent(steps * rows);
            var dhg = gru ? ScratchPool.Rent(steps * rows) : dxg;
            var dh0 = h0.RequiresGrad ? Uninitialized((int[])h0._shape.Clone()) : null;
            var dc0 = c0 != null && c0.RequiresGrad ? Uninitialized((int[])c0._shape.Clone()) : null;
            var stateScratch = dh0 == null || (lstm && dc0 == null) ? ScratchPool.Rent(2 * plane) : null;
            var ys = result.Data;
            RecurrentSteps.Backward(kind, steps, n, hidden, reverse, grad.Data, lstm ? pre!.Data : gru ? gates!.Data : default,
                gru ? hn!.Data : default, ys[..(steps * plane)], lstm ? cells!.Data : default, h0.Data,
                lstm ? c0!.Data : default, wHh.Data, lengths, dxg, gru ? dhg : default,
                dh0 != null ? dh0.DataSpan : stateScratch!.AsSpan(0, plane),
                !lstm ? default : dc0 != null ? dc0.DataSpan : stateScratch!.AsSpan(plane, plane));
            if (stateScratch != null) ScratchPool.Return(stateScratch);

            var grads = new List<Tensor?>();
            Tensor? dx = null;
            if (x.RequiresGrad)
            {
                dx = Uninitialized(x._shape);
                Gemm.Run(false, false, steps * n, inputs, width, dxg, wIh.Data, dx.DataSpan);
            }
            grads.Add(dx);
            // Measured against one product of dGᵀ by [x | h_prev], which packs dG once: 2 % slower a step on the
            // benchmark's LSTM with x and the previous states copied side by side (session 9), and 1-3 % slower with
            // the time loop writing that operand (session 10), though the product alone took 2776 µs against
            // 1079 + 1982 (one core of a Xeon, model 207): the step's extra 1.5 MB of writes cost more than it saves.
            grads.Add(wIh.RequiresGrad ? Product(dxg, x.Data, width, inputs, steps * n) : null);
            grads.Add(wHh.RequiresGrad ? HiddenProduct(dhg, ys[..(steps * plane)], h0.Data, steps, n, hidden, width, reverse) : null);
            var dbIh = bIh != null && bIh.RequiresGrad ? ColumnSums(dxg.AsSpan(0, steps * rows), width) : null;
            if (bIh != null) grads.Add(dbIh);
            // Outside the GRU both biases add to the same pre-activations, so they share one gradient.
            if (bHh != null) grads.Add(!bHh.RequiresGrad ? null : dbIh != null && !gru ? FromSpan(dbIh.Data, dbIh._shape) : ColumnSums(dhg.AsSpan(0, steps * rows), width));
            grads.Add(dh0);
            if (c0 != null) grads.Add(dc0);
            ScratchPool.Return(dxg);
            if (gru) ScratchPool.Return(dhg);
            return [.. grads];
        });
    }

    /// <summary>
    /// The bias the time loop adds to each step's input products: b_ih + b_hh summed first (so each element takes
    /// one add), or the one there is; the GRU's b_hh stays apart, inside r∘(·). Null when there is none;
    /// <paramref name="rented"/> is the scratch to give back.
    /// </summary>
    private static ReadOnlySpan<float> InputBias(Tensor? bIh, Tensor? bHh, int width, out float[]? rented)
    {
        rented = null;
        if (bIh != null && bHh != null)
        {
            rented = ScratchPool.Rent(width);
            System.Numerics.Tensors.TensorPrimitives.Add(bIh.Data, bHh.Data, rented);
            return rented;
        }
        return (bIh ?? bHh) is { } one ? one.Data : default;
    }

    /// <summary>dW = dGᵀ·A: [G·H, rows]·[rows, cols], the transpose read in place.</summary>
    private static Tensor Product(ReadOnlySpan<float> dGates, ReadOnlySpan<float> a, int width, int cols, int rows)
    {
        var w = Uninitialized([width, cols]);
        Gemm.Run(true, false, width, cols, rows, dGates, a, w.DataSpan);
        return w;
    }

    /// <summary>
    /// dW_hh = Σ_t dG_tᵀ·h_prev(t). Every step's previous state but the first step's (h0) is an output one step
    /// back in time order, so those steps are one product over the saved outputs shifted by a step, and h0's
    /// step adds one more of N rows.
    /// </summary>
    private static Tensor HiddenProduct(ReadOnlySpan<float> dGates, ReadOnlySpan<float> hs, ReadOnlySpan<float> h0,
        int steps, int n, int hidden, int width, bool reverse)
    {
        int rows = n * width, plane = n * hidden, shifted = (steps - 1) * n;
        var w = Uninitialized([width, hidden]);
        // In time order step t ≥ 1 follows output t − 1; reversed, step t < T − 1 follows output t + 1.
        if (steps > 1)
            Gemm.Run(true, false, width, hidden, shifted, reverse ? dGates[..(shifted * width)] : dGates[rows..],
                reverse ? hs[plane..] : hs[..(shifted * hidden)], w.DataSpan);
        int first = reverse ? steps - 1 : 0;
        Gemm.Run(true, false, width, hidden, n, dGates.Slice(first * rows, rows), h0, w.DataSpan, accumulate: steps > 1);
        return w;
    }

    private static Tensor ColumnSums(ReadOnlySpan<float> rows, int width)
    {
        var b = Uninitialized([width]);
        RecurrentKernel.SumRows(rows, b.DataSpan);
        return b;
    }

    private static Tensor FromSpan(ReadOnlySpan<float> values, int[] shape)
    {
        var t = Uninitialized((int[])shape.Clone());
        values.CopyTo(t.DataSpan);
        return t;
    }
}
