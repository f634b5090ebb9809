using Descent.IO.Onnx;
using Descent.Nn;
using Microsoft.ML.OnnxRuntime;

namespace Descent.Onnx.Tests;

public class OnnxExportTests
{
    private sealed class Custom : Module
    {
        public override Tensor Forward(Tensor input) => input * 2f;
    }

    [Fact]
    public void SaveWritesALoadableFileWithProducerAndNoTemporaryLeftBehind()
    {
        var dir = Directory.CreateTempSubdirectory("descent-onnx-");
        try
        {
            var path = Path.Combine(dir.FullName, "model.onnx");
            var conv = new Conv2d(2, 3, 3, generator: new Generator(5)).Eval();
            OnnxExport.Save(conv, [-1, 2, 6, 6], path);
            Assert.Equal(OnnxExport.ToBytes(conv, [-1, 2, 6, 6]), File.ReadAllBytes(path));
            Assert.Equal(["model.onnx"], dir.GetFiles().Select(f => f.Name));
            using var session = new InferenceSession(path);
            Assert.Equal("Descent", session.ModelMetadata.ProducerName);
            Assert.Equal("Conv2d", session.ModelMetadata.GraphName);
            var input = session.InputMetadata[OnnxExport.InputName];
            Assert.Equal([-1, 2, 6, 6], input.Dimensions);
            Assert.Equal(OnnxExport.BatchParam, input.SymbolicDimensions[0]);
            Assert.Equal([-1, 3, 4, 4], session.OutputMetadata[OnnxExport.OutputName].Dimensions);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void FixedBatchIsWrittenAsAFixedSize()
    {
        var bytes = OnnxExport.ToBytes(new MaxPool2d(2), [4, 1, 6, 6]);
        using var session = new InferenceSession(bytes);
        Assert.Equal([4, 1, 6, 6], session.InputMetadata[OnnxExport.InputName].Dimensions);
        Assert.Equal([4, 1, 3, 3], session.OutputMetadata[OnnxExport.OutputName].Dimensions);
    }

    [Fact]
    public void ExportIsDeterministicAndLeavesTheModelsModeAlone()
    {
        var conv = new Conv2d(1, 2, 2, generator: new Generator(6));
        Assert.True(conv.Training);
        var a = OnnxExport.ToBytes(conv, [1, 1, 4, 4]);
        var b = OnnxExport.ToBytes(conv, [1, 1, 4, 4]);
        Assert.Equal(a, b);
        Assert.True(conv.Training);
    }

    [Fact]
    public void SaveIntoAMissingFolderThrowsAndWritesNothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"descent-missing-{Guid.NewGuid():N}", "m.onnx");
        Assert.Throws<DirectoryNotFoundException>(() => OnnxExport.Save(new MaxPool2d(2), [1, 1, 4, 4], path));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void UnsupportedModuleThrowsNamingItsTypeAndPath()
    {
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(new Custom(), [1, 3]));
        Assert.Contains("'(root)' (Custom)", e.Message);
        Assert.Contains("Conv2d", e.Message);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { -1 })]
    public void InputShapeWithoutRoomForABatchThrows(int[] shape)
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(new MaxPool2d(2), shape));
        Assert.Contains("OnnxExport", e.Message);
    }

    [Theory]
    [InlineData(new[] { 1, 0, 4, 4 })]
    [InlineData(new[] { 1, -1, 4, 4 })]
    [InlineData(new[] { -2, 1, 4, 4 })]
    public void NonPositiveSizesThrowNamingTheShape(int[] shape)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExport.ToBytes(new MaxPool2d(2), shape));
        Assert.Contains(Shape.Format(shape), e.Message);
    }
}
