using Descent.Data;
using Descent.IO;
using Descent.Nn;
using Descent.Optim;
using Descent.Tests.Cli;
using Descent.Training;
using static Descent.Tests.Interop.TorchRoundTripTests;

namespace Descent.Tests.Interop;

/// <summary>
/// The GPT's round trips with a real PyTorch, as <see cref="TorchRoundTripTests"/> does for the CLI's models:
/// a file saved by <see cref="LmModelFile"/> loads into <c>models.Gpt</c> (the module <see cref="Gpt"/>'s docs
/// give) with strict=True, continues training under DistributedDataParallel over token-id windows and comes back
/// through <see cref="LmModelFile.Load"/> with PyTorch's logits; a GPT made and trained only in PyTorch does too.
/// </summary>
public sealed class GptRoundTripTests : IDisposable
{
    private const int Windows = 64, EvalWindows = 8;
    // Larger than the CLI models' 0.05: GPT-2's 0.02-scale initialisation barely moves in 20 plain SGD steps.
    private const float LearningRate = 0.5f;

    private const string Text = "the quick brown fox jumps over the lazy dog; a lazy dog sleeps while the quick fox runs. ";

    private static readonly CharTokenizer Tokenizer = CharTokenizer.FromText(Text);

    // Two blocks, so the state-dict indices and the residual initialisation's depth both show; dropout 0 keeps
    // the steps the same in both libraries.
    private static readonly GptConfig Config = new(Tokenizer.VocabSize, BlockSize: 16, Layers: 2, Heads: 2, Width: 32);

    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [TorchTheory, InlineData(2)]
    public void A_descent_gpt_continues_under_torch_ddp_and_comes_back_with_torch_s_logits(int processes)
    {
        TorchPython.Require();
        var (inputs, targets, evalInputs) = Data(seed: 1);
        var model = new Gpt(Config, new Generator(2));
        TrainInDescent(model, inputs, targets);
        model.Eval();
        var descentLogits = Outputs(model, evalInputs);
        string saved = _dir.File("gpt.safetensors"), data = WriteData(_dir, inputs, targets, evalInputs);
        string trained = _dir.File("gpt-ddp.safetensors"), evaluated = _dir.File("gpt-ddp-logits.safetensors");
        LmModelFile.Save(saved, model, Tokenizer);

        string log = TorchPython.Run(_dir.Path, TorchRoundTripTests.Timeout, ["-m", "torch.distributed.run", "--standalone", $"--nproc_per_node={processes}",
            .. TorchPython.TorchrunOutput, TorchPython.Script("ddp_train.py"), "--model", saved, "--data", data, "--out", trained, "--eval-out", evaluated,
            "--steps", Num(Steps), "--batch-size", Num(BatchSize), "--lr", LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--seed", "5"]);

        var (torchLogits, run) = Safetensors.Load(evaluated);
        Assert.Equal(Num(processes), run["world_size"]);
        Assert.Contains($"step {Steps}: loss", log);
        AssertClose(descentLogits, torchLogits["before"], "gpt: torch's logits of the Descent-trained model");
        Assert.True(MaxDifference(torchLogits["before"], torchLogits["after"]) > 1e-3f, "gpt: training under DDP changed nothing");
        // The file keeps both names of the tied weight and the metadata, so LmModelFile reads it as its own.
        var (tensors, metadata) = Safetensors.Load(trained);
        Assert.Equal(model.StateDict().Keys, tensors.Keys);
        Assert.Equal(tensors["token_embedding.weight"].ToArray(), tensors["head.weight"].ToArray());
        Assert.Equal(LmModelFile.ConfigJson(Config), metadata[LmModelFile.ConfigKey]);
        var (back, tokenizer) = LmModelFile.Load(trained);
        Assert.Equal(Config, back.Config);
        Assert.Equal(Tokenizer.ToJson(), tokenizer.ToJson());
        AssertClose(torchLogits["after"], Outputs(back, evalInputs), "gpt: Descent's logits of the GPT trained under DDP");
    }

    [TorchTheory, InlineData(20)]
    public void A_gpt_initialised_and_trained_only_in_torch_loads_into_descent_and_matches(int steps)
    {
        TorchPython.Require();
        var (inputs, targets, evalInputs) = Data(seed: 3);
        string data = WriteData(_dir, inputs, targets, evalInputs), tokenizerJson = _dir.File("tokenizer.json");
        string trained = _dir.File("gpt-torch.safetensors"), evaluated = _dir.File("gpt-torch-logits.safetensors");
        File.WriteAllText(tokenizerJson, Tokenizer.ToJson());

        TorchPython.Run(_dir.Path, TorchRoundTripTests.Timeout, TorchPython.Script("train_torch.py"), "--arch", "gpt", "--gpt-config", LmModelFile.ConfigJson(Config),
            "--tokenizer", tokenizerJson, "--data", data, "--out", trained, "--eval-out", evaluated,
            "--steps", Num(steps), "--batch-size", Num(BatchSize), "--lr", LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--seed", "4");

        var (model, tokenizer) = LmModelFile.Load(trained);
        Assert.Equal(Config, model.Config);
        Assert.Equal(Tokenizer.Encode(Text), tokenizer.Encode(Text));
        // Torch's own initialisation: nothing of Descent's Generator(0) draws survives the strict load.
        Assert.NotEqual(new Gpt(Config, new Generator(0)).TokenEmbedding.Weight.ToArray(), model.TokenEmbedding.Weight.ToArray());
        AssertClose(Safetensors.Load(evaluated).Tensors["after"], Outputs(model, evalInputs), "gpt: Descent's logits of the torch-trained GPT");
    }

    /// <summary>Windows of the text's ids at random starts: inputs [N, T] and the next ids as targets, as float32.</summary>
    private static (Tensor Inputs, Tensor Targets, Tensor EvalInputs) Data(ulong seed)
    {
        int[] ids = Tokenizer.Encode(Text);
        int t = Config.BlockSize;
        var g = new Generator(seed);
        var starts = IntTensor.RandInt(0, ids.Length - t, [Windows + EvalWindows], g).Data.ToArray();
        Tensor Window(int first, int count, int shift)
        {
            var values = new float[count * t];
            for (int w = 0; w < count; w++)
                for (int i = 0; i < t; i++) values[w * t + i] = ids[starts[first + w] + i + shift];
            return Tensor.FromArray(values, count, t);
        }
        return (Window(0, Windows, 0), Window(0, Windows, 1), Window(Windows, EvalWindows, 0));
    }

    private static void TrainInDescent(Gpt model, Tensor inputs, Tensor targets)
    {
        var optimizer = new SGD(model.Parameters(), lr: LearningRate);
        var loss = new CrossEntropyLoss();
        for (int step = 0; step < Steps; step++)
        {
            int start = step * BatchSize % Windows;
            optimizer.ZeroGrad();
            var logits = model.Forward(inputs[start..(start + BatchSize)]);
            loss.Forward(logits.Reshape(-1, Config.VocabSize), targets[start..(start + BatchSize)].Reshape(-1)).Backward();
            optimizer.Step();
        }
    }
}
