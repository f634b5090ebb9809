using Descent.Data;
using Descent.IO.Onnx;
using Descent.Nn;
using Descent.Optim;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Descent.Onnx.Tests;

/// <summary>
/// A .NET shop serves a Descent model without Descent: the exported ONNX file is scored by ML.NET's
/// <c>ApplyOnnxModel</c> in an ML.NET pipeline over an <c>IDataView</c>, as the README's "Serve with
/// ML.NET" shows, and the scores must be Descent's own.
/// </summary>
public class MlNetScoringTests
{
    private sealed class Point
    {
        [ColumnName(OnnxExport.InputName), VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Scores
    {
        [ColumnName(OnnxExport.OutputName), VectorType(2)]
        public float[] Logits { get; set; } = [];
    }

    [Fact]
    public void ATrainedMlpScoredThroughApplyOnnxModelGivesDescentsPredictions()
    {
        var g = new Generator(19);
        var data = Synthetic.Moons(200, 0.1f, g);
        var model = new Sequential(new Linear(2, 16, generator: g), new Tanh(), new Linear(16, 2, generator: g));
        var optimizer = new Adam(model.Parameters(), lr: 0.05);
        float firstLoss = 0f, lastLoss = 0f;
        for (int step = 0; step < 60; step++)
        {
            optimizer.ZeroGrad();
            var loss = Losses.CrossEntropy(model.Forward(data.Inputs), data.Targets);
            loss.Backward();
            optimizer.Step();
            if (step == 0) firstLoss = loss.Item();
            lastLoss = loss.Item();
        }
        Assert.True(lastLoss < firstLoss / 2, $"training should have learned the moons; loss {firstLoss} -> {lastLoss}");

        model.Eval();
        var x = data.Inputs;
        Tensor expected;
        using (Autograd.NoGrad()) expected = model.Forward(x);
        var path = Path.Combine(Path.GetTempPath(), $"descent-mlnet-{Guid.NewGuid():N}.onnx");
        try
        {
            var points = new MLContext().Data.LoadFromEnumerable(Enumerable.Range(0, x.Size(0)).Select(i => new Point { Features = x[i].ToArray() }));
            // The README's five lines (ServeWithMlNetInTheReadmeIsWhatThisTestRuns keeps them the same).
            OnnxExport.Save(model, [-1, 2], path);
            var ml = new MLContext(seed: 0);
            var pipeline = ml.Transforms.ApplyOnnxModel(OnnxExport.OutputName, OnnxExport.InputName, path);
            var scored = pipeline.Fit(points).Transform(points);
            var logits = ml.Data.CreateEnumerable<Scores>(scored, reuseRowObject: false).Select(s => s.Logits).ToArray();

            Assert.Equal(x.Size(0), logits.Length);
            for (int i = 0; i < logits.Length; i++)
            {
                Assert.Equal(2, logits[i].Length);
                for (int c = 0; c < 2; c++)
                    Assert.True(Math.Abs(expected.At(i, c) - logits[i][c]) <= 1e-5f,
                        $"row {i} class {c}: Descent {expected.At(i, c)}, ML.NET {logits[i][c]}");
            }
            // Predicted classes too: what a caller of the pipeline acts on.
            var descentClasses = expected.ArgMax(1).ToArray();
            Assert.Equal(descentClasses, logits.Select(l => l[1] > l[0] ? 1L : 0L).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ServeWithMlNetInTheReadmeIsWhatThisTestRuns()
    {
        string root = RepoRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int section = readme.IndexOf("## Serve with ML.NET", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no \"## Serve with ML.NET\" section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        var lines = readme[start..end].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        Assert.Equal(5, lines.Length);
        // The same lines, consecutive and in order, in the test above that checks their result.
        var source = File.ReadAllLines(Path.Combine(root, "tests", "Descent.Onnx.Tests", "MlNetScoringTests.cs")).Select(l => l.Trim()).ToList();
        int first = source.IndexOf(lines[0]);
        Assert.True(first >= 0, $"MlNetScoringTests.cs does not run the README's line: {lines[0]}");
        Assert.Equal(lines, source.Skip(first).Take(lines.Length));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Descent.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Descent.sln above {AppContext.BaseDirectory}");
    }
}
