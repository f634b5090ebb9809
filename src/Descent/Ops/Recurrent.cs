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

        // All time steps' input products in one GEMM; the recurrence then only multiplies by W_hh. The GEMM
        // overwrites every element and nothing outlives the loop, so the buffer (megabytes for a long
        // sequence) is pooled scratch rather than a fresh large-object allocation per call.
        var xg = ScratchPool.Rent(steps * rows);
        Gemm.Run(false, true, steps * n, width, inputs, x.Data, wIh.Data, xg);
        if (bIh != null) RecurrentKernel.AddRows(xg, bIh.Data);

        var result = Uninitialized(lstm ? new[] { 2, steps, n, hidden } : new[] { steps, n, hidden });
        var gates = lstm || gru ? new float[steps * rows] : Array.Empty<float>();
        var hn = gru ? new float[steps * plane] : Array.Empty<float>();
        var hg = new float[rows];
        var all = result.Storage.AsSpan(result.Offset, result.Numel);
        var hs = all[..(steps * plane)];
        var cs = lstm ? all[(steps * plane)..] : default;
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t - 1;
            ReadOnlySpan<float> hPrev = s == 0 ? h0.Data : (ReadOnlySpan<float>)hs.Slice(prev * plane, plane);
            Gemm.Run(false, true, n, width, hidden, hPrev, wHh.Data, hg);
            if (bHh != null) RecurrentKernel.AddRows(hg, bHh.Data);
            var xgt = xg.AsSpan(t * rows, rows);
            var h = hs.Slice(t * plane, plane);
            if (lstm)
            {
                ReadOnlySpan<float> cPrev = s == 0 ? c0!.Data : (ReadOnlySpan<float>)cs.Slice(prev * plane, plane);
                RecurrentKernel.LstmForward(n, hidden, xgt, hg, cPrev, gates.AsSpan(t * rows, rows), cs.Slice(t * plane, plane), h);
                if (lengths != null) RecurrentKernel.CarryEnded(lengths, t, cPrev, default, cs.Slice(t * plane, plane));
            }
            else if (gru)
                RecurrentKernel.GruForward(n, hidden, xgt, hg, hPrev, gates.AsSpan(t * rows, rows), hn.AsSpan(t * plane, plane), h);
            else
                RecurrentKernel.RnnForward(xgt, hg, relu, h);
            // The padded rows were computed with the rest (one GEMM for the batch) and are overwritten here.
            if (lengths != null) RecurrentKernel.CarryEnded(lengths, t, hPrev, default, h);
        }
        ScratchPool.Return(xg);

        var inputsList = new List<Tensor> { x, wIh, wHh };
        if (bIh != null) inputsList.Add(bIh);
        if (bHh != null) inputsList.Add(bHh);
        inputsList.Add(h0);
        if (c0 != null) inputsList.Add(c0);
        return Graph.Record(result, cell switch { RecurrentCell.Lstm => "Lstm", RecurrentCell.Gru => "Gru", RecurrentCell.RnnRelu => "RnnRelu", _ => "RnnTanh" }, [.. inputsList], grad =>
        {
            var g = grad.Data;
            // The step kernels write every element of dxg, dhg and hPrevs, and the gradients below are done
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
            var hPrevs = ScratchPool.Rent(steps * plane);
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = reverse ? steps - 1 - s : s, prev = reverse ? t + 1 : t - 1;
                ReadOnlySpan<float> hPrev = s == 0 ? h0.Data : hsR.Slice(prev * plane, plane);
                hPrev.CopyTo(hPrevs.AsSpan(t * plane, plane));
                System.Numerics.Tensors.TensorPrimitives.Add(g.Slice(t * plane, plane), dh, dhTotal);
                var dxgt = dxg.AsSpan(t * rows, rows);
                if (lstm)
                {
                    ReadOnlySpan<float> cPrev = s == 0 ? c0!.Data : csR.Slice(prev * plane, plane);
                    var dcOut = g.Slice((steps + t) * plane, plane);
                    if (lengths != null) RecurrentKernel.CarryEnded(lengths, t, dc, dcOut, dcKept);
                    RecurrentKernel.LstmBackward(n, hidden, gates.AsSpan(t * rows, rows), cPrev, csR.Slice(t * plane, plane),
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
            grads.Add(wHh.RequiresGrad ? Product(dhg, hPrevs, width, hidden, steps * n) : null);
            if (bIh != null) grads.Add(bIh.RequiresGrad ? ColumnSums(dxg, width) : null);
            if (bHh != null) grads.Add(bHh.RequiresGrad ? ColumnSums(dhg, width) : null);
            grads.Add(h0.RequiresGrad ? FromSpan(dh, h0._shape) : null);
            if (c0 != null) grads.Add(c0.RequiresGrad ? FromSpan(dc, c0._shape) : null);
            ScratchPool.Return(dxg);
            if (gru) ScratchPool.Return(dhg);
            ScratchPool.Return(hPrevs);
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
