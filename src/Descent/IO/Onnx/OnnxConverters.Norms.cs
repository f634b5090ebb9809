using Descent.Nn;

namespace Descent.IO.Onnx;

internal static partial class OnnxConverters
{
    // LayerNormalization (new in opset 17) requires its Scale input, so a LayerNorm without an affine
    // weight scales by ones.
    private static OnnxValue LayerNormalize(OnnxGraph g, LayerNorm m, string path, OnnxValue x)
    {
        ShapeAfter(m, path, x);
        var normalized = m.NormalizedShape;
        string[] inputs = m.Bias is null
            ? [x.Name, g.Weight(Child(path, "weight"), m.Weight ?? Tensor.Ones(normalized))]
            : [x.Name, g.Weight(Child(path, "weight"), m.Weight ?? Tensor.Ones(normalized)), g.Weight(Child(path, "bias"), m.Bias)];
        var y = g.Node("LayerNormalization", path, inputs,
            OnnxAttribute.Int("axis", -normalized.Length), OnnxAttribute.Float("epsilon", m.Eps));
        return x with { Name = y };
    }

    // Opset 17 has no RMSNormalization (it arrives in opset 23), so it is spelled out:
    // x / √(mean(x²) + eps) · weight over the normalized dimensions, with PyTorch's default eps.
    private static OnnxValue RootMeanSquareNormalize(OnnxGraph g, RMSNorm m, string path, OnnxValue x)
    {
        ShapeAfter(m, path, x);
        int k = m.NormalizedShape.Length;
        var meanSquare = g.Node("ReduceMean", path, [Binary(g, "Mul", path, x.Name, x.Name)],
            OnnxAttribute.IntList("axes", [.. Enumerable.Range(-k, k).Select(a => (long)a)]), OnnxAttribute.Int("keepdims", 1));
        var rms = g.Node("Sqrt", path, [Binary(g, "Add", path, meanSquare, g.Scalar(Child(path, "eps"), m.Eps ?? Functional.Float32Eps))]);
        var y = Binary(g, "Div", path, x.Name, rms);
        if (m.Weight != null) y = Binary(g, "Mul", path, y, g.Weight(Child(path, "weight"), m.Weight));
        return x with { Name = y };
    }
}
