namespace Descent.Kernels;

/// <summary>The cell a recurrent time loop runs (the core's <c>RecurrentCell</c>, which this room cannot see).</summary>
internal enum RecurrentKind { Tanh, Relu, Lstm, Gru }

/// <summary>
/// The time loops of one recurrent layer-direction, forward and backward through time: per step one GEMM for
/// all gates against W_hh and the step's gate kernel (<see cref="RecurrentKernel"/>). A batch row's recurrence
/// never reads another row, so the loops split the batch's rows over threads, each part running every step
/// for its rows with no hand-off between steps (split inside each step, the product and the gate kernel made
/// four hand-offs a step, 256 in a training step of the benchmark's LSTM, each waiting for the slower thread).
/// A part's rows are computed as they are in the whole batch, so the
/// split never changes a result: the gate kernels work row by row, and each part's products stay on the
/// GEMM's packed path (<see cref="RowsComputeAlike"/>), where an element's sum does not depend on the rows
/// around it.
/// </summary>
/// <example><code>
/// RecurrentSteps.Forward(RecurrentKind.Lstm, steps, n, hidden, reverse: false, xg, bias, wT, default, h0, c0, default, default, default, hs, cs);
/// </code></example>
internal static unsafe class RecurrentSteps
{
    /// <summary>Fewest batch rows a part takes: below this the products' rows are too few to keep a core busy.</summary>
    internal const int MinRowsPerPart = 8;

    private struct Args
    {
        public RecurrentKind Kind;
        public int Steps, N, Hidden, Width, Parts;
        public bool Reverse, InnerSplit, CellGrad;
        public int* Lengths;
        public float* Xg, BIn, WT, BHh, H0, C0, Gates, Hn, Hs, Cs, Hg;
        public float* G, WHh, DXg, DHg, Dh, Dc, DhTotal, DcKept;
        // The per-step product's B packed for RecurrentPanels (null: each step calls the GEMM).
        public float* Panels;
    }

    /// <summary>
    /// Runs the recurrence over all steps, in time order or reversed. <paramref name="xg"/> [T, N, G·H] holds
    /// each step's input products; the step adds <paramref name="inputBias"/> [G·H] (empty: none) to its rows
    /// while they are about to be read anyway (a pass of its own over all T·N rows cost a read and a write of
    /// them from memory; the LSTM's gate kernel adds it after the product, as it loads the gates, which saves
    /// the step that pass too), and its h·W_hhᵀ (the LSTM's gates are
    /// then activated in place and kept; for the RNN, <paramref name="xg"/> is <paramref name="hs"/> itself).
    /// <paramref name="wT"/> is W_hh transposed, [H, G·H]. The GRU adds h·W_hhᵀ + <paramref name="bHh"/> apart
    /// (its n gate takes them through r) and keeps its activated gates in <paramref name="gates"/> [T, N, 3H] and W_hn·h + b_hn in <paramref name="hn"/>
    /// [T, N, H]. Writes the hidden states <paramref name="hs"/> [T, N, H] and the LSTM's cell states
    /// <paramref name="cs"/>. With <paramref name="lengths"/> (empty: every row runs all steps), a row's steps
    /// past its length carry its state unchanged.
    /// </summary>
    public static void Forward(RecurrentKind kind, int steps, int n, int hidden, bool reverse, Span<float> xg, ReadOnlySpan<float> inputBias,
        ReadOnlySpan<float> wT, ReadOnlySpan<float> bHh, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<int> lengths,
        Span<float> gates, Span<float> hn, Span<float> hs, Span<float> cs)
    {
        int width = Width(kind, hidden);
        var hg = kind == RecurrentKind.Gru ? ScratchPool.Rent(n * width) : null;
        var panels = PanelBuffer(n, hidden, width, steps, width, hidden);
        fixed (float* pXg = xg, pBIn = inputBias, pWT = wT, pB = bHh, pH0 = h0, pC0 = c0, pGates = gates, pHn = hn, pHs = hs, pCs = cs, pHg = hg, pP = panels)
        fixed (int* pLen = lengths)
        {
            var args = new Args
            {
                Kind = kind, Steps = steps, N = n, Hidden = hidden, Width = width, Reverse = reverse,
                Lengths = lengths.IsEmpty ? null : pLen, Xg = pXg, BIn = inputBias.IsEmpty ? null : pBIn, WT = pWT, BHh = bHh.IsEmpty ? null : pB, H0 = pH0, C0 = pC0,
                Gates = pGates, Hn = pHn, Hs = pHs, Cs = pCs, Hg = pHg, Panels = Packed(pWT, hidden, width, pP, panels),
            };
            Dispatch(ref args, &ForwardPart);
        }
        if (hg != null) ScratchPool.Return(hg);
        if (panels != null) ScratchPool.Return(panels);
    }

    /// <summary>
    /// Backward through time from <paramref name="g"/>, the gradient of the forward's result ([T, N, H], and for
    /// the LSTM the final cell state's [N, H] after it when g is that long, which enters at the last step; none
    /// enters otherwise), with what the forward kept (the LSTM's activated gates in
    /// <paramref name="gates"/>, the GRU's gates and <paramref name="hn"/>). Writes every step's pre-activation
    /// gradients <paramref name="dxg"/> [T, N, G·H] (and the GRU's hidden side apart, <paramref name="dhg"/>),
    /// and the initial states' gradients <paramref name="dh0"/> and (LSTM) <paramref name="dc0"/> [N, H].
    /// <paramref name="wHh"/> is W_hh as stored, [G·H, H].
    /// </summary>
    public static void Backward(RecurrentKind kind, int steps, int n, int hidden, bool reverse, ReadOnlySpan<float> g,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hs, ReadOnlySpan<float> cs, ReadOnlySpan<float> h0,
        ReadOnlySpan<float> c0, ReadOnlySpan<float> wHh, ReadOnlySpan<int> lengths, Span<float> dxg, Span<float> dhg,
        Span<float> dh0, Span<float> dc0)
    {
        int width = Width(kind, hidden), plane = n * hidden;
        var dhTotal = ScratchPool.Rent(plane);
        var dcKept = kind == RecurrentKind.Lstm && !lengths.IsEmpty ? ScratchPool.Rent(plane) : null;
        var panels = PanelBuffer(n, hidden, width, steps, hidden, width);
        fixed (float* pG = g, pGates = gates, pHn = hn, pHs = hs, pCs = cs, pH0 = h0, pC0 = c0, pW = wHh, pDxg = dxg, pDhg = dhg,
            pDh = dh0, pDc = dc0, pDt = dhTotal, pDk = dcKept, pP = panels)
        fixed (int* pLen = lengths)
        {
            var args = new Args
            {
                Kind = kind, Steps = steps, N = n, Hidden = hidden, Width = width, Reverse = reverse,
                CellGrad = kind == RecurrentKind.Lstm && g.Length > (long)steps * plane,
                Lengths = lengths.IsEmpty ? null : pLen, G = pG, Gates = pGates, Hn = pHn, Hs = pHs, Cs = pCs, H0 = pH0, C0 = pC0,
                WHh = pW, DXg = pDxg, DHg = pDhg, Dh = pDh, Dc = pDc, DhTotal = pDt, DcKept = pDk, Panels = Packed(pW, width, hidden, pP, panels),
            };
            Dispatch(ref args, &BackwardPart);
        }
        ScratchPool.Return(dhTotal);
        if (panels != null) ScratchPool.Return(panels);
        if (dcKept != null) ScratchPool.Return(dcKept);
    }

    /// <summary>
    /// Whether a product of <paramref name="m"/> rows (NN, n columns, k deep) computes each element as the same
    /// product over more rows does: on the GEMM's packed path, which every larger m also takes, the micro-kernels
    /// sum an element's k terms in one order whatever tile holds it; below <see cref="Gemm.DirectMacs"/> or at 4
    /// rows and fewer the GEMM takes its direct path, whose arithmetic differs.
    /// </summary>
    internal static bool RowsComputeAlike(int m, int n, int k) => m > 4 && (long)m * n * k >= Gemm.DirectMacs;

    /// <summary>How many row parts: one per thread while each keeps enough rows and work, else one.</summary>
    internal static int Parts(int n, int hidden, int width, int steps)
    {
        int parts = ParallelPartition.Parts((long)steps * n * width * hidden, Gemm.MacsPerThread, n / MinRowsPerPart);
        if (parts <= 1) return 1;
        int fewest = ParallelPartition.Range(n, parts, parts - 1).End - ParallelPartition.Range(n, parts, parts - 1).Start;
        return RowsComputeAlike(fewest, width, hidden) ? parts : 1;
    }

    /// <summary>
    /// Room for the per-step product's B ([<paramref name="k"/>, <paramref name="cols"/>]: W_hhᵀ forward, W_hh backward)
    /// packed for <see cref="RecurrentPanels"/> when the parts' products suit it, else null. A part of fewer rows is
    /// no more likely to suit (<see cref="RowsComputeAlike"/>), and <see cref="Parts"/> splits only where the
    /// fewest rows still compute alike, so every part then takes the panels.
    /// </summary>
    private static float[]? PanelBuffer(int n, int hidden, int width, int steps, int cols, int k)
    {
        int parts = Parts(n, hidden, width, steps);
        var (r0, r1) = ParallelPartition.Range(n, parts, parts - 1);
        if (!RecurrentPanels.Suits(r1 - r0, cols, k)) return null;
        // On a cache line (packed under the caller's fixed, as a pooled array may not be pinned), so that no step's two loads of a panel straddle two.
        return ScratchPool.TakeAligned(k * cols, clear: false);
    }

    /// <summary>B [k, n] packed into <paramref name="panels"/> (fixed at <paramref name="p"/>) from its first cache line; null without panels.</summary>
    private static float* Packed(float* b, int k, int n, float* p, float[]? panels)
    {
        if (panels == null) return null;
        p += ScratchPool.AlignedOffset(panels);
        RecurrentPanels.Pack(b, k, n, p);
        return p;
    }

    /// <summary>C (+)= A·B for a part's <paramref name="m"/> rows: on the packed panels where there are, else through the GEMM.</summary>
    private static void Product(in Args a, int m, int n, int k, ReadOnlySpan<float> left, ReadOnlySpan<float> b, Span<float> c, bool accumulate, int gemmParts)
    {
        if (a.Panels == null)
        {
            Gemm.Run(false, false, m, n, k, left, b, c, accumulate, gemmParts);
            return;
        }
        fixed (float* pa = left, pc = c) RecurrentPanels.Run(m, n, k, pa, a.Panels, pc, accumulate, gemmParts);
    }

    private static int Width(RecurrentKind kind, int hidden) => kind switch
    {
        RecurrentKind.Lstm => 4 * hidden,
        RecurrentKind.Gru => 3 * hidden,
        _ => hidden,
    };

    private static void Dispatch(ref Args args, delegate*<int, void*, void> body)
    {
        args.Parts = Parts(args.N, args.Hidden, args.Width, args.Steps);
        // Split by rows, each part's products and gate kernels run on its own thread; unsplit, they may split
        // themselves, as any product does.
        args.InnerSplit = args.Parts == 1;
        fixed (Args* p = &args) ParallelPool.Run(args.Parts, body, p);
    }

    private static void ForwardPart(int part, void* state)
    {
        ref readonly var a = ref *(Args*)state;
        var (r0, r1) = ParallelPartition.Range(a.N, a.Parts, part);
        int m = r1 - r0, hidden = a.Hidden, width = a.Width, plane = a.N * hidden, rows = a.N * width;
        if (m <= 0) return;
        int gemmParts = a.InnerSplit ? 0 : 1;
        var wT = new ReadOnlySpan<float>(a.WT, hidden * width);
        var lengths = a.Lengths == null ? default : new ReadOnlySpan<int>(a.Lengths + r0, m);
        for (int s = 0; s < a.Steps; s++)
        {
            int t = a.Reverse ? a.Steps - 1 - s : s, prev = a.Reverse ? t + 1 : t - 1;
            var hPrev = new ReadOnlySpan<float>(s == 0 ? a.H0 + (long)r0 * hidden : a.Hs + (long)prev * plane + (long)r0 * hidden, m * hidden);
            var xgt = new Span<float>(a.Xg + (long)t * rows + (long)r0 * width, m * width);
            var h = new Span<float>(a.Hs + (long)t * plane + (long)r0 * hidden, m * hidden);
            var bias = a.BIn == null ? default : new ReadOnlySpan<float>(a.BIn, width);
            if (a.BIn != null && a.Kind != RecurrentKind.Lstm) RecurrentKernel.AddRows(xgt, bias);
            if (a.Kind == RecurrentKind.Gru)
            {
                var hg = new Span<float>(a.Hg + (long)r0 * width, m * width);
                Product(in a, m, width, hidden, hPrev, wT, hg, false, gemmParts);
                if (a.BHh != null) RecurrentKernel.AddRows(hg, new ReadOnlySpan<float>(a.BHh, width));
                RecurrentKernel.GruForward(m, hidden, xgt, hg, hPrev, new Span<float>(a.Gates + (long)t * rows + (long)r0 * width, m * width),
                    new Span<float>(a.Hn + (long)t * plane + (long)r0 * hidden, m * hidden), h);
            }
            else
            {
                Product(in a, m, width, hidden, hPrev, wT, xgt, true, gemmParts);
                if (a.Kind == RecurrentKind.Lstm)
                {
                    var cPrev = new ReadOnlySpan<float>(s == 0 ? a.C0 + (long)r0 * hidden : a.Cs + (long)prev * plane + (long)r0 * hidden, m * hidden);
                    var c = new Span<float>(a.Cs + (long)t * plane + (long)r0 * hidden, m * hidden);
                    RecurrentKernel.LstmForward(m, hidden, xgt, bias, cPrev, c, h);
                    if (!lengths.IsEmpty) RecurrentKernel.CarryEnded(lengths, t, cPrev, default, c);
                }
                else
                    RecurrentKernel.RnnForward(h, a.Kind == RecurrentKind.Relu);
            }
            // The padded rows were computed with the rest (one GEMM for the part) and are overwritten here.
            if (!lengths.IsEmpty) RecurrentKernel.CarryEnded(lengths, t, hPrev, default, h);
        }
    }

    private static void BackwardPart(int part, void* state)
    {
        ref readonly var a = ref *(Args*)state;
        var (r0, r1) = ParallelPartition.Range(a.N, a.Parts, part);
        int m = r1 - r0, hidden = a.Hidden, width = a.Width, plane = a.N * hidden, rows = a.N * width, steps = a.Steps;
        if (m <= 0) return;
        int gemmParts = a.InnerSplit ? 0 : 1;
        long e0 = (long)r0 * hidden, w0 = (long)r0 * width;
        bool lstm = a.Kind == RecurrentKind.Lstm, gru = a.Kind == RecurrentKind.Gru;
        var wHh = new ReadOnlySpan<float>(a.WHh, width * hidden);
        var lengths = a.Lengths == null ? default : new ReadOnlySpan<int>(a.Lengths + r0, m);
        // dh and dc are read before their first write: nothing flows into h from past the last step, and into c
        // only the final cell state's gradient, where the result has it.
        var dh = new Span<float>(a.Dh + e0, m * hidden);
        var dc = lstm ? new Span<float>(a.Dc + e0, m * hidden) : default;
        dh.Clear();
        if (a.CellGrad) new ReadOnlySpan<float>(a.G + (long)steps * plane + e0, m * hidden).CopyTo(dc);
        else dc.Clear();
        var dhTotal = new Span<float>(a.DhTotal + e0, m * hidden);
        // The LSTM step kernel overwrites the cell's carried gradient of every row; padded rows keep theirs here.
        var dcKept = a.DcKept == null ? default : new Span<float>(a.DcKept + e0, m * hidden);
        for (int s = steps - 1; s >= 0; s--)
        {
            int t = a.Reverse ? steps - 1 - s : s, prev = a.Reverse ? t + 1 : t - 1;
            long et = (long)t * plane + e0, wt = (long)t * rows + w0;
            var hPrev = new ReadOnlySpan<float>(s == 0 ? a.H0 + e0 : a.Hs + (long)prev * plane + e0, m * hidden);
            System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<float>(a.G + et, m * hidden), dh, dhTotal);
            var dxgt = new Span<float>(a.DXg + wt, m * width);
            if (lstm)
            {
                var cPrev = new ReadOnlySpan<float>(s == 0 ? a.C0 + e0 : a.Cs + (long)prev * plane + e0, m * hidden);
                if (!lengths.IsEmpty) RecurrentKernel.CarryEnded(lengths, t, dc, default, dcKept);
                RecurrentKernel.LstmBackward(m, hidden, new ReadOnlySpan<float>(a.Gates + wt, m * width), cPrev,
                    new ReadOnlySpan<float>(a.Cs + et, m * hidden), dhTotal, dc, dxgt);
                if (!lengths.IsEmpty)
                {
                    RecurrentKernel.CarryEnded(lengths, t, dcKept, default, dc);
                    RecurrentKernel.ClearEnded(lengths, t, dxgt);
                }
                HiddenGradient(in a, m, hidden, width, dxgt, wHh, dh, false, gemmParts);
            }
            else if (gru)
            {
                var dhgt = new Span<float>(a.DHg + wt, m * width);
                RecurrentKernel.GruBackward(m, hidden, new ReadOnlySpan<float>(a.Gates + wt, m * width), new ReadOnlySpan<float>(a.Hn + et, m * hidden),
                    hPrev, dhTotal, dxgt, dhgt, dh);
                if (!lengths.IsEmpty)
                {
                    RecurrentKernel.ClearEnded(lengths, t, dxgt);
                    RecurrentKernel.ClearEnded(lengths, t, dhgt);
                }
                HiddenGradient(in a, m, hidden, width, dhgt, wHh, dh, true, gemmParts);
            }
            else
            {
                RecurrentKernel.RnnBackward(new ReadOnlySpan<float>(a.Hs + et, m * hidden), dhTotal, a.Kind == RecurrentKind.Relu, dxgt);
                if (!lengths.IsEmpty) RecurrentKernel.ClearEnded(lengths, t, dxgt);
                HiddenGradient(in a, m, hidden, width, dxgt, wHh, dh, false, gemmParts);
            }
            // A padded step is the identity on the state, so its whole gradient goes to the step before.
            if (!lengths.IsEmpty) RecurrentKernel.CarryEnded(lengths, t, dhTotal, default, dh);
        }
    }

    /// <summary>
    /// dh = dG·W_hh for a part's <paramref name="m"/> rows. On AVX-512 the GEMM cuts rows into 12-row tiles, so
    /// m = 16 (two threads' share of a batch of 32) runs as 12 + 4, and the 4-row kernel, two vectors wide, waits on
    /// its loads: 18.7 µs at 16 x 128 x 512 on one core of a Xeon, model 207, against 2 x 8.3 µs as two 8-row
    /// products. So a remainder of 4 rows goes with the 12 rows before it as 8 + 8. Every row keeps its
    /// arithmetic (<see cref="RowsComputeAlike"/>), so the results do not move.
    /// </summary>
    private static void HiddenGradient(in Args a, int m, int hidden, int width, ReadOnlySpan<float> dG, ReadOnlySpan<float> wHh, Span<float> dh,
        bool accumulate, int gemmParts)
    {
        if (Gemm.Path != GemmPath.Vector512 || m < 16 || m % 12 != 4 || !RowsComputeAlike(8, hidden, width))
        {
            Product(in a, m, hidden, width, dG, wHh, dh, accumulate, gemmParts);
            return;
        }
        int head = m - 16;
        if (head > 0) Gemm.Run(false, false, head, hidden, width, dG, wHh, dh, accumulate, gemmParts);
        for (int r = head; r < m; r += 8)
            Gemm.Run(false, false, 8, hidden, width, dG[(r * width)..], wHh, dh[(r * hidden)..], accumulate, gemmParts);
    }
}
