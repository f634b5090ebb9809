using Descent.Nn;

namespace Descent.IO.Onnx;

internal static partial class OnnxConverters
{
    private static OnnxValue Chain(OnnxGraph g, Sequential m, string path, OnnxValue x)
    {
        foreach (var (name, child) in m.NamedChildren()) x = Emit(g, child, Child(path, name), x);
        return x;
    }

    // Gemm computes x·Wᵀ + b for 2-D x in one node, reading the weight as stored; other ranks use
    // MatMul, which broadcasts over leading dimensions, with a transposed copy of the weight.
    private static OnnxValue Dense(OnnxGraph g, Linear m, string path, OnnxValue x)
    {
        var shape = ShapeAfter(m, path, x);
        string y;
        if (x.Rank == 2)
        {
            string[] inputs = m.Bias is null
                ? [x.Name, g.Weight(Child(path, "weight"), m.Weight)]
                : [x.Name, g.Weight(Child(path, "weight"), m.Weight), g.Weight(Child(path, "bias"), m.Bias)];
            y = g.Node("Gemm", path, inputs, OnnxAttribute.Int("transB", 1));
        }
        else
        {
            Tensor transposed;
            using (Autograd.NoGrad()) transposed = m.Weight.Transpose(0, 1);
            y = g.Node("MatMul", path, [x.Name, g.Weight(Child(path, "weight_t"), transposed)]);
            if (m.Bias != null) y = g.Node("Add", path, [y, g.Weight(Child(path, "bias"), m.Bias)]);
        }
        return x with { Name = y, Shape = shape };
    }

    // ONNX's Flatten always yields 2-D, so it fits only the default (startDim 1, endDim last); other
    // ranges reshape, copying the sizes before the range (0), inferring the merged one (−1), and
    // spelling out the sizes after it, so a symbolic batch outside the range passes through.
    private static OnnxValue Merge(OnnxGraph g, Flatten m, string path, OnnxValue x)
    {
        var shape = ShapeAfter(m, path, x);
        int start = Shape.NormalizeDim("Flatten", m.StartDim, x.Rank), end = Shape.NormalizeDim("Flatten", m.EndDim, x.Rank);
        var batch = start == 0 && end > 0 && x.Batch != OnnxBatch.Fixed ? OnnxBatch.Derived : x.Batch;
        if (start == end) return x with { Name = g.Node("Identity", path, [x.Name]) };
        if (start == 1 && end == x.Rank - 1)
            return new OnnxValue(g.Node("Flatten", path, [x.Name], OnnxAttribute.Int("axis", 1)), shape, batch);
        var target = new List<long>();
        for (int i = 0; i < start; i++) target.Add(0);
        target.Add(-1);
        for (int i = end + 1; i < x.Rank; i++) target.Add(x.Shape[i]);
        var y = g.Node("Reshape", path, [x.Name, g.Int64s(Child(path, "shape"), [.. target])]);
        return new OnnxValue(y, shape, batch);
    }

    // Eval form: Dropout passes its input through unchanged.
    private static OnnxValue PassThrough(OnnxGraph g, string path, OnnxValue x) =>
        x with { Name = g.Node("Identity", path, [x.Name]) };

    // Eval form: normalise with the running statistics, (x − mean)/√(var + eps)·weight + bias per channel.
    private static OnnxValue Normalize(OnnxGraph g, BatchNorm m, string path, OnnxValue x, bool rankOk, string layout)
    {
        if (m.RunningMean is null || m.RunningVar is null)
            throw new NotSupportedException(
                $"OnnxExport: module {Describe(m, path)} does not track running statistics, so it normalises with each batch's " +
                "statistics even in eval mode; ONNX's BatchNormalization needs running statistics");
        if (!rankOk || x.Shape[1] != m.NumFeatures)
            throw new ArgumentException(
                $"OnnxExport: module {Describe(m, path)} expects input {layout} with dimension 1 = num_features {m.NumFeatures}; got {Shape.Format(x.Shape)}");
        var y = g.Node("BatchNormalization", path,
            [
                x.Name,
                g.Weight(Child(path, "weight"), m.Weight ?? Tensor.Ones(m.NumFeatures)),
                g.Weight(Child(path, "bias"), m.Bias ?? Tensor.Zeros(m.NumFeatures)),
                g.Weight(Child(path, "running_mean"), m.RunningMean),
                g.Weight(Child(path, "running_var"), m.RunningVar),
            ],
            OnnxAttribute.Float("epsilon", m.Eps));
        return x with { Name = y };
    }
}
