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
