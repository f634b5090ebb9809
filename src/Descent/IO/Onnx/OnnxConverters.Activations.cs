using Descent.Nn;

namespace Descent.IO.Onnx;

internal static partial class OnnxConverters
{
    private static OnnxValue Unary(OnnxGraph g, string opType, string path, OnnxValue x, params OnnxAttribute[] attributes) =>
        x with { Name = g.Node(opType, path, [x.Name], attributes) };

    private static string Binary(OnnxGraph g, string opType, string path, string a, string b) => g.Node(opType, path, [a, b]);

    // Opset 17 has no Gelu (it arrives in opset 20), so the formulas are spelled out as PyTorch defines them:
    // exact: x·½(1 + erf(x/√2)); tanh: x·½(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    private static OnnxValue Gelu(OnnxGraph g, string approximate, string path, OnnxValue x)
    {
        string inner;
        if (approximate == "tanh")
        {
            var cube = Binary(g, "Mul", path, Binary(g, "Mul", path, x.Name, x.Name), x.Name);
            var poly = Binary(g, "Add", path, x.Name, Binary(g, "Mul", path, cube, g.Scalar(Child(path, "kappa"), 0.044715f)));
            inner = Binary(g, "Mul", path, poly, g.Scalar(Child(path, "sqrt_2_over_pi"), MathF.Sqrt(2f / MathF.PI)));
            inner = g.Node("Tanh", path, [inner]);
        }
        else
        {
            inner = g.Node("Erf", path, [Binary(g, "Div", path, x.Name, g.Scalar(Child(path, "sqrt2"), MathF.Sqrt(2f)))]);
        }
        var onePlus = Binary(g, "Add", path, inner, g.Scalar(Child(path, "one"), 1f));
        var y = Binary(g, "Mul", path, Binary(g, "Mul", path, x.Name, onePlus), g.Scalar(Child(path, "half"), 0.5f));
        return x with { Name = y };
    }

    // SiLU is x·σ(x); opset 17 has no single operator for it.
    private static OnnxValue Silu(OnnxGraph g, string path, OnnxValue x) =>
        x with { Name = Binary(g, "Mul", path, x.Name, g.Node("Sigmoid", path, [x.Name])) };

    // PyTorch: x where β·x > threshold (linear there, and no overflow), else log(1 + exp(β·x))/β.
    // ONNX's Softplus has neither β nor the threshold, so both are added around it.
    private static OnnxValue SoftplusOf(OnnxGraph g, Softplus m, string path, OnnxValue x)
    {
        var scaled = m.Beta == 1f ? x.Name : Binary(g, "Mul", path, x.Name, g.Scalar(Child(path, "beta"), m.Beta));
        var soft = g.Node("Softplus", path, [scaled]);
        if (m.Beta != 1f) soft = Binary(g, "Div", path, soft, g.Scalar(Child(path, "beta"), m.Beta));
        var linear = Binary(g, "Greater", path, scaled, g.Scalar(Child(path, "threshold"), m.Threshold));
        return x with { Name = g.Node("Where", path, [linear, x.Name, soft]) };
    }

    // Since opset 13, Softmax and LogSoftmax normalise along the one given axis, as PyTorch's dim.
    private static OnnxValue AlongAxis(OnnxGraph g, Module m, string opType, int dim, string path, OnnxValue x)
    {
        ShapeAfter(m, path, x);
        return Unary(g, opType, path, x, OnnxAttribute.Int("axis", dim));
    }
}
