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
    /// reversed. Returns the hidden states [T, N, H], and for the LSTM [2, T, N, H]: hidden states then cell
    /// states. The caller (the module) has checked every shape and names itself in its errors.
    /// Saved for the backward: the result, and the LSTM's or GRU's activated gates (and the GRU's W_hn·h + b_hn),
    /// so the backward reruns no GEMM of the forward.
    /// With <paramref name="lengths"/> (one per batch row, each in [1, T], checked by the caller), step t of row r
    /// with t ≥ lengths[r] is padding: there the state is carried unchanged (its result holds the carried state)
    /// and its gradient passes straight through to the step before, so the padding's inputs get none. Time order
    /// then ends each row's state at its last valid step and the last step holds it; reversed, each row starts
    /// from h0 at its own last valid step and step 0 holds its final state. The module zeros the padded outputs.
    /// </summary>
    internal static Tensor Recurrent(RecurrentCell cell, Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh,
        Tensor h0, Tensor? c0, bool reverse, int[]? lengths = null)
    {
        int steps = x._shape[0], n = x._shape[1], inputs = x._shape[2], hidden = wHh._shape[1];
        int width = wIh._shape[0], plane = n * hidden, rows = n * width;
        bool lstm = cell == RecurrentCell.Lstm, gru = cell == RecurrentCell.Gru, relu = cell == RecurrentCell.RnnRelu;

        bool needsGrad = Autograd.IsEnabled && (x.RequiresGrad || wIh.RequiresGrad || wHh.RequiresGrad || (bIh?.RequiresGrad ?? false)
            || (bHh?.RequiresGrad ?? false) || h0.RequiresGrad || (c0?.RequiresGrad ?? false));
        var result = Uninitialized(lstm ? new[] { 2, steps, n, hidden } : new[] { steps, n, hidden });
        var all = result.Storage.AsSpan(result.Offset, result.Numel);
        var hs = all[..(steps * plane)];
        var cs = lstm ? all[(steps * plane)..] : default;

        // All time steps' input products in one GEMM, with both biases (the GRU's b_hn stays apart, inside r∘(·)).
        // The LSTM's activated gates are kept for the backward, so they need a buffer of their own when it
        // will run (a tensor, so a step scope recycles it); the RNN's pre-activations go straight into its
        // output, which has their shape; scratch (megabytes for a long sequence) serves the rest.
        bool keepGates = lstm && needsGrad;
        var pre = keepGates ? Uninitialized([steps * rows]) : null;
        var scratch = !keepGates && (lstm || gru) ? ScratchPool.Rent(steps * rows) : null;
        var xg = pre != null ? pre.DataSpan : scratch != null ? scratch.AsSpan() : hs;
        Gemm.Run(false, true, steps * n, width, inputs, x.Data, wIh.Data, xg);
        // Outside the GRU the two biases are summed first, so the T·N rows take one pass instead of two.
        if (bIh != null && bHh != null && !gru)
        {
            var bias = ScratchPool.Rent(width);
            System.Numerics.Tensors.TensorPrimitives.Add(bIh.Data, bHh.Data, bias);
            RecurrentKernel.AddRows(xg, bias);
            ScratchPool.Return(bias);
        }
        else
        {
            if (bIh != null) RecurrentKernel.AddRows(xg, bIh.Data);
            if (bHh != null && !gru) RecurrentKernel.AddRows(xg, bHh.Data);
        }

        // W_hh is stored [G·H, H]; transposed once, each step's h·W_hhᵀ is a product whose both operands the
        // GEMM reads in place (as dot products of rows it sums a whole vector per output, which at H = 128
        // cost as much as the multiply-adds), and it adds into the step's input products directly.
        var wT = ScratchPool.Rent(hidden * width);
        RecurrentKernel.Transpose(width, hidden, wHh.Data, wT);
        var gates = gru ? new float[steps * rows] : Array.Empty<float>();
        var hn = gru ? new float[steps * plane] : Array.Empty<float>();
        var hg = gru ? ScratchPool.Rent(rows) : null;
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t - 1;
            ReadOnlySpan<float> hPrev = s == 0 ? h0.Data : (ReadOnlySpan<float>)hs.Slice(prev * plane, plane);
            var xgt = xg.Slice(t * rows, rows);
            var h = hs.Slice(t * plane, plane);
            if (gru)
            {
                Gemm.Run(false, false, n, width, hidden, hPrev, wT, hg);
                if (bHh != null) RecurrentKernel.AddRows(hg, bHh.Data);
                RecurrentKernel.GruForward(n, hidden, xgt, hg, hPrev, gates.AsSpan(t * rows, rows), hn.AsSpan(t * plane, plane), h);
            }
            else
            {
                Gemm.Run(false, false, n, width, hidden, hPrev, wT, xgt, accumulate: true);
                if (lstm)
                {
                    ReadOnlySpan<float> cPrev = s == 0 ? c0!.Data : (ReadOnlySpan<float>)cs.Slice(prev * plane, plane);
                    RecurrentKernel.LstmForward(n, hidden, xgt, cPrev, cs.Slice(t * plane, plane), h);
                    if (lengths != null) RecurrentKernel.CarryEnded(lengths, t, cPrev, default, cs.Slice(t * plane, plane));
                }
                else
                    RecurrentKernel.RnnForward(h, relu);
            }
            // The padded rows were computed with the rest (one GEMM for the batch) and are overwritten here.
            if (lengths != null) RecurrentKernel.CarryEnded(lengths, t, hPrev, default, h);
        }
        ScratchPool.Return(wT);
        if (scratch != null) ScratchPool.Return(scratch);
        if (hg != null) ScratchPool.Return(hg);
        if (!needsGrad) return result;

        var inputsList = new List<Tensor> { x, wIh, wHh };
        if (bIh != null) inputsList.Add(bIh);
        if (bHh != null) inputsList.Add(bHh);
        inputsList.Add(h0);
        if (c0 != null) inputsList.Add(c0);
        return Graph.Record(result, cell switch { RecurrentCell.Lstm => "Lstm", RecurrentCell.Gru => "Gru", RecurrentCell.RnnRelu => "RnnRelu", _ => "RnnTanh" }, [.. inputsList], grad =>
        {
            var g = grad.Data;
            // The step kernels write every element of dxg and dhg, and the gradients below are done
            // with them before the closure returns, so they are pooled scratch; dh and dc are read before
            // their first write and stay zeroed allocations.
            var dxg = ScratchPool.Rent(steps * rows);
            var dhg = gru ? ScratchPool.Rent(steps * rows) : dxg;
            var dh = new float[plane];
            var dhTotal = new float[plane];
            var dc = lstm ? new float[plane] : Array.Empty<float>();
            // The LSTM step kernel overwrites the cell's carried gradient of every row; padded rows keep theirs here.
            var dcKept = lstm && lengths != null ? new float[plane] : Array.Empty<float>();
            var ys = result.Data;
            var hsR = ys[..(steps * plane)];
            var csR = lstm ? ys[(steps * plane)..] : default;
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t - 1;
                ReadOnlySpan<float> hPrev = s == 0 ? h0.Data : hsR.Slice(prev * plane, plane);
                System.Numerics.Tensors.TensorPrimitives.Add(g.Slice(t * plane, plane), dh, dhTotal);
                var dxgt = dxg.AsSpan(t * rows, rows);
                if (lstm)
                {
                    ReadOnlySpan<float> cPrev = s == 0 ? c0!.Data : csR.Slice(prev * plane, plane);
                    var dcOut = g.Slice((steps + t) * plane, plane);
                    if (lengths != null) RecurrentKernel.CarryEnded(lengths, t, dc, dcOut, dcKept);
                    RecurrentKernel.LstmBackward(n, hidden, pre!.Data.Slice(t * rows, rows), cPrev, csR.Slice(t * plane, plane),
                        dhTotal, dcOut, dc, dxgt);
                    if (lengths != null)
                    {
                        RecurrentKernel.CarryEnded(lengths, t, dcKept, default, dc);
                        RecurrentKernel.ClearEnded(lengths, t, dxgt);
                    }
                    Gemm.Run(false, false, n, hidden, width, dxgt, wHh.Data, dh);
                }
                else if (gru)
                {
                    var dhgt = dhg.AsSpan(t * rows, rows);
                    RecurrentKernel.GruBackward(n, hidden, gates.AsSpan(t * rows, rows), hn.AsSpan(t * plane, plane), hPrev, dhTotal, dxgt, dhgt, dh);
                    if (lengths != null)
                    {
                        RecurrentKernel.ClearEnded(lengths, t, dxgt);
                        RecurrentKernel.ClearEnded(lengths, t, dhgt);
                    }
                    Gemm.Run(false, false, n, hidden, width, dhgt, wHh.Data, dh, accumulate: true);
                }
                else
                {
                    RecurrentKernel.RnnBackward(hsR.Slice(t * plane, plane), dhTotal, relu, dxgt);
                    if (lengths != null) RecurrentKernel.ClearEnded(lengths, t, dxgt);
                    Gemm.Run(false, false, n, hidden, width, dxgt, wHh.Data, dh);
                }
                // A padded step is the identity on the state, so its whole gradient goes to the step before.
                if (lengths != null) RecurrentKernel.CarryEnded(lengths, t, dhTotal, default, dh);
            }

            var grads = new List<Tensor?>();
            Tensor? dx = null;
            if (x.RequiresGrad)
            {
                dx = Uninitialized(x._shape);
                Gemm.Run(false, false, steps * n, inputs, width, dxg, wIh.Data, dx.DataSpan);
            }
            grads.Add(dx);
            grads.Add(wIh.RequiresGrad ? Product(dxg, x.Data, width, inputs, steps * n) : null);
            grads.Add(wHh.RequiresGrad ? HiddenProduct(dhg, hsR, h0.Data, steps, n, hidden, width, reverse) : null);
            var dbIh = bIh != null && bIh.RequiresGrad ? ColumnSums(dxg, width) : null;
            if (bIh != null) grads.Add(dbIh);
            // Outside the GRU both biases add to the same pre-activations, so they share one gradient.
            if (bHh != null) grads.Add(!bHh.RequiresGrad ? null : dbIh != null && !gru ? FromSpan(dbIh.Data, dbIh._shape) : ColumnSums(dhg, width));
            grads.Add(h0.RequiresGrad ? FromSpan(dh, h0._shape) : null);
            if (c0 != null) grads.Add(c0.RequiresGrad ? FromSpan(dc, c0._shape) : null);
            ScratchPool.Return(dxg);
            if (gru) ScratchPool.Return(dhg);
            return [.. grads];
        });
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
