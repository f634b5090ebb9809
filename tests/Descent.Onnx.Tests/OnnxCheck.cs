using Descent.IO.Onnx;
using Descent.Nn;
using Microsoft.ML.OnnxRuntime;

namespace Descent.Onnx.Tests;

/// <summary>Exports a model, runs it in ONNX Runtime and compares with Descent's eval-mode forward pass.</summary>
internal static class OnnxCheck
{
    public const float Tolerance = 1e-5f;

    /// <summary>
    /// Exports <paramref name="model"/> for <paramref name="exportShape"/> (−1 first: symbolic batch), runs
    /// ONNX Runtime on random inputs of <paramref name="runShape"/>, and asserts the outputs agree with
    /// <c>model.Eval()</c>'s within 1e-5 absolute plus 1e-5 relative. Returns the exported bytes.
    /// </summary>
    public static byte[] Matches(Module model, int[] exportShape, int[] runShape, int seed = 0, float scale = 1f)
    {
        model.Eval();
        var bytes = OnnxExport.ToBytes(model, exportShape);
        var x = Tensor.Randn(runShape, new Generator((ulong)seed)) * scale;
        Tensor expected;
        using (Autograd.NoGrad()) expected = model.Forward(x);
        var (shape, actual) = Run(bytes, x);
        Assert.Equal(expected.Shape, shape);
        AssertClose(expected.ToArray(), actual);
        return bytes;
    }

    /// <summary>Runs the ONNX model on <paramref name="x"/>; returns the output's shape and values.</summary>
    public static (int[] Shape, float[] Values) Run(byte[] model, Tensor x)
    {
        using var session = new InferenceSession(model);
        Assert.Equal(OnnxExport.InputName, session.InputNames.Single());
        Assert.Equal(OnnxExport.OutputName, session.OutputNames.Single());
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray(), [.. x.Shape.Select(d => (long)d)]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();
        return (shape, output.GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>
    /// Runs a model with several named inputs (float <see cref="Tensor"/>s and bool <see cref="BoolTensor"/>s) and
    /// asserts every output, in the graph's order, agrees with <paramref name="expected"/> in shape and within 1e-5.
    /// </summary>
    public static void OutputsMatch(byte[] model, (string Name, object Value)[] inputs, params Tensor[] expected)
    {
        using var session = new InferenceSession(model);
        Assert.Equal(inputs.Select(i => i.Name), session.InputNames);
        Assert.Equal(expected.Length, session.OutputNames.Count);
        var values = inputs.Select(i => i.Value switch
        {
            Tensor t => OrtValue.CreateTensorValueFromMemory(t.ToArray(), [.. t.Shape.Select(d => (long)d)]),
            BoolTensor b => OrtValue.CreateTensorValueFromMemory(b.ToArray(), [.. b.Shape.Select(d => (long)d)]),
            _ => throw new ArgumentException($"input {i.Name}: a Tensor or a BoolTensor, not {i.Value.GetType().Name}"),
        }).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [.. inputs.Select(i => i.Name)], values, session.OutputNames);
            for (int o = 0; o < expected.Length; o++)
            {
                var shape = outputs[o].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray();
                Assert.Equal(expected[o].Shape, shape);
                AssertClose(expected[o].ToArray(), outputs[o].GetTensorDataAsSpan<float>().ToArray());
            }
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Gives a LayerNorm a random affine weight in [0.5, 1.5) and bias, so that a test sees them used.</summary>
    public static void RandomizeNorm(LayerNorm norm, int seed)
    {
        var g = new Generator((ulong)seed);
        Tensor.Uniform(norm.Weight!.Shape, 0.5f, 1.5f, g).Data.CopyTo(norm.Weight.DataSpan);
        if (norm.Bias != null) Tensor.Randn(norm.Bias.Shape, g).Data.CopyTo(norm.Bias.DataSpan);
    }

    public static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(expected[i] - actual[i]);
            Assert.True(diff <= Tolerance + Tolerance * MathF.Abs(expected[i]),
                $"element {i}: Descent {expected[i]:R}, ONNX Runtime {actual[i]:R}, difference {diff:R}");
        }
    }
}
