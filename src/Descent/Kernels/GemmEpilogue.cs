using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>The activation a fused product applies in its write (<see cref="GemmEpilogue"/>).</summary>
internal enum GemmActivation { None, Relu, GeluExact, GeluTanh }

/// <summary>
/// What a product does to each element of C once its sum is complete: add a bias per column, keep that
/// pre-activation where the backward needs it, and apply an activation, while it is still in cache (a packed
/// product's tile in L1; a row, or a strip of up to 64 rows on the dot-product paths).
/// Each step is the elementwise kernel the unfused ops run (<see cref="ActivationKernel"/>, whose results do
/// not depend on where an element falls in a span), so a fused product gives the unfused ops' bits.
/// </summary>
/// <example><code>
/// GemmEpilogue.Run(false, true, rows, outFeatures, inFeatures, x, w, y, bias, GemmActivation.Relu, pre: default);
/// </code></example>
internal readonly unsafe struct GemmEpilogue
{
    private readonly float* _bias, _pre, _residual;
    private readonly GemmActivation _activation;

    private GemmEpilogue(float* bias, float* pre, GemmActivation activation, float* residual)
    {
        _bias = bias;
        _pre = pre;
        _activation = activation;
        _residual = residual;
    }

    /// <summary>The bias, <c>n</c> floats, or null.</summary>
    public float* Bias => _bias;

    /// <summary>This epilogue less its bias add, for a kernel that adds the bias in its own write (<see cref="GemmNarrowProduct"/>).</summary>
    public GemmEpilogue WithoutBias() => new(null, _pre, _activation, _residual);

    /// <summary>Whether there is nothing to do (a plain product).</summary>
    public bool IsNone => _bias == null && _pre == null && _activation == GemmActivation.None && _residual == null;

    /// <summary>
    /// C = act(op(A)·op(B) + bias) over row-major spans, as <see cref="Gemm.Run(bool, bool, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>
    /// followed by a row-by-row bias add and the activation, but in the product's write. <paramref name="bias"/>
    /// is [n] or empty; <paramref name="pre"/>, when not empty, receives the sum before the activation (m x n).
    /// <paramref name="residual"/>, when not empty (m x n), is added last: a pre-norm transformer block's
    /// <c>x + linear(…)</c>, in the same rounding as the separate add, without its pass over memory.
    /// </summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        Span<float> c, ReadOnlySpan<float> bias, GemmActivation activation, Span<float> pre, int parts = 0, ReadOnlySpan<float> residual = default)
    {
        if (!bias.IsEmpty && bias.Length < n)
            throw new ArgumentException($"Gemm: bias must hold n={n} floats; got {bias.Length}");
        if (!pre.IsEmpty && pre.Length < (long)m * n)
            throw new ArgumentException($"Gemm: pre-activation span too short for m={m}, n={n}; got {pre.Length}");
        if (!residual.IsEmpty && residual.Length < (long)m * n)
            throw new ArgumentException($"Gemm: residual span too short for m={m}, n={n}; got {residual.Length}");
        fixed (float* pBias = bias, pPre = pre, pResidual = residual)
            Gemm.Run(transA, transB, m, n, k, a, b, c, accumulate: false, parts, new GemmEpilogue(pBias, pPre, activation, pResidual));
    }

    /// <summary>
    /// Finishes the block of C at rows [row0, row0 + rows), columns [col0, col0 + cols), C being
    /// <paramref name="n"/> columns wide; called once per element, after its last k block.
    /// </summary>
    public void Apply(float* c, int n, int row0, int rows, int col0, int cols)
    {
        if (IsNone || rows <= 0 || cols <= 0) return;
        if (Vector512.IsHardwareAccelerated && cols % 16 == 0 && _activation is GemmActivation.None or GemmActivation.Relu)
        {
            ApplyInline(c, n, row0, rows, col0, cols);
            return;
        }
        for (int r = row0; r < row0 + rows; r++)
        {
            long at = (long)r * n + col0;
            var row = new Span<float>(c + at, cols);
            // The unfused add: y[j] + b[j] in one rounding.
            if (_bias != null) TensorPrimitives.Add(row, new ReadOnlySpan<float>(_bias + col0, cols), row);
            if (_pre != null) row.CopyTo(new Span<float>(_pre + at, cols));
            switch (_activation)
            {
                case GemmActivation.Relu: ActivationKernel.ReluForward(row, row); break;
                case GemmActivation.GeluExact: ActivationKernel.GeluForward(row, false, row); break;
                case GemmActivation.GeluTanh: ActivationKernel.GeluForward(row, true, row); break;
            }
            if (_residual != null) TensorPrimitives.Add(row, new ReadOnlySpan<float>(_residual + at, cols), row);
        }
    }

    /// <summary>
    /// The bias add and ReLU of <see cref="Apply"/> for whole 512-bit vectors, written out: a tile's rows are 16 to 48 floats,
    /// and a library call per row and step cost more than the arithmetic (the per-row calls were 6 % of a transformer
    /// block's training step on a Xeon, model 207). The same operations as the row kernels (one rounding for the add,
    /// <see cref="ActivationKernel.ReluForward"/>'s select), so the same bits.
    /// </summary>
    private void ApplyInline(float* c, int n, int row0, int rows, int col0, int cols)
    {
        bool relu = _activation == GemmActivation.Relu;
        // Locals, not fields: the stores through c may alias this struct for all the JIT knows, so it would reload every
        // field on every vector.
        float* bias = _bias == null ? null : _bias + col0, pre = _pre, residual = _residual;
        if (pre == null && residual == null && bias != null && relu)
        {
            // A Linear and ReLU's forward, the common case: the bias add and the select alone.
            for (int r = row0; r < row0 + rows; r++)
            {
                float* row = c + (long)r * n + col0;
                for (int j = 0; j < cols; j += 16)
                {
                    var v = Vector512.Load(row + j) + Vector512.Load(bias + j);
                    Vector512.Store(Vector512.ConditionalSelect(Vector512.LessThanOrEqual(v, Vector512<float>.Zero), Vector512<float>.Zero, v), row + j);
                }
            }
            return;
        }
        for (int r = row0; r < row0 + rows; r++)
        {
            long at = (long)r * n + col0;
            for (int j = 0; j < cols; j += 16)
            {
                var v = Vector512.Load(c + at + j);
                if (bias != null) v += Vector512.Load(bias + j);
                if (pre != null) Vector512.Store(v, pre + at + j);
                // Keeps x where x > 0 or x is NaN (not x <= 0), zero elsewhere.
                if (relu) v = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(v, Vector512<float>.Zero), Vector512<float>.Zero, v);
                if (residual != null) v += Vector512.Load(residual + at + j);
                Vector512.Store(v, c + at + j);
            }
        }
    }
}
