using Descent.Data;
using Descent.Tests.Data;
using Descent.Training;

namespace Descent.Tests.Cli;

/// <summary>`descent train` on the image sets: the protocol's split, the test part evaluated once, and the same run as <see cref="Protocol"/>.</summary>
public sealed class ProtocolCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // A learnable stand-in for Fashion-MNIST: class c lights row 2c of the image.
    private string FakeFashion(int train, int test)
    {
        foreach (var (prefix, n) in new[] { ("train", train), ("t10k", test) })
        {
            var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
            var pixels = new byte[n * 784];
            for (int i = 0; i < n; i++) pixels.AsSpan(i * 784 + labels[i] * 2 * 28, 28).Fill(255);
            IdxFiles.WriteGz(_dir.File($"{prefix}-images-idx3-ubyte.gz"), IdxFiles.Bytes(0x803, [n, 28, 28], pixels));
            IdxFiles.WriteGz(_dir.File($"{prefix}-labels-idx1-ubyte.gz"), IdxFiles.Bytes(0x801, [n], labels));
        }
        return _dir.Path;
    }

    [Fact]
    public void Fashion_mnist_trains_on_the_protocol_split_reports_the_test_part_once_and_eval_reads_it_again()
    {
        string folder = FakeFashion(train: 5200, test: 30);
        string model = _dir.File("f.safetensors");
        var run = CliRunner.Run("train", "--data", "fashion-mnist", "--data-dir", folder, "--model", "mlp:16", "--epochs", "5", "--batch-size", "16", "--save", model, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith("recipe: mlp on fashion-mnist — ", run.Stdout);
        Assert.Contains("changed by --model mlp:16, --epochs 5, --batch-size 16", run.Stdout.Split('\n')[0]);
        Assert.Contains("test: loss", run.Stdout);
        var json = run.Json();
        Assert.Equal((200, 5000, 30), (json.GetProperty("train_examples").GetInt32(), json.GetProperty("valid_examples").GetInt32(), json.GetProperty("test_examples").GetInt32()));
        Assert.True(json.GetProperty("test_accuracy").GetDouble() > 0.5, $"test accuracy {json.GetProperty("test_accuracy")}");
        var eval = CliRunner.Run("eval", "--model", model, "--data", "fashion-mnist", "--data-dir", folder);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains("the test part of its training split (30 examples, seed 0)", eval.Stdout);
        Assert.Contains("Ankle boot", eval.Stdout);
    }

    [Fact]
    public void A_missing_fashion_mnist_says_how_to_install_it_in_one_line()
    {
        var run = CliRunner.Run("train", "--data", "fashion-mnist", "--data-dir", _dir.Path);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("apt install dataset-fashion-mnist", line);
        Assert.Contains(_dir.Path, line);
    }

    [Fact]
    public void The_command_line_recipe_trains_exactly_as_the_protocol_does()
    {
        string digits = Path.GetDirectoryName(TestData.MnistDigits)!;
        var cli = CliRunner.Run("train", "--data", "mnist", "--data-dir", digits, "--model", "mlp", "--epochs", "1", "--seed", "2", "--json").Json();
        var recipe = Recipes.DigitsMlp with { Epochs = 1 };
        var run = Protocol.Run(recipe, seed: 2, RecipeData.Load("mnist", seed: 2, digits));
        var history = cli.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(run.Parts[0].History[0].TrainLoss, history[0].GetProperty("train_loss").GetDouble());
        Assert.Equal(run.ValidAccuracy!.Value, cli.GetProperty("valid_accuracy").GetDouble(), 12);
        Assert.Equal(run.TestAccuracy, cli.GetProperty("test_accuracy").GetDouble(), 12);
    }
}
