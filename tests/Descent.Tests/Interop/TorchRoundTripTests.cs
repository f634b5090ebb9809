using System.Globalization;
using Descent.Cli.Train;
using Descent.IO;
using Descent.Nn;
using Descent.Optim;
using Descent.Tests.Cli;
using Descent.Training;

namespace Descent.Tests.Interop;

/// <summary>
/// Descent and a real PyTorch (Debian's python3-torch) exchange models through safetensors: a Descent-trained
/// model loads into its torch.nn twin with strict=True and gives Descent's outputs, continues training under
/// DistributedDataParallel in two processes on gloo (torchrun), and comes back to Descent giving PyTorch's final
/// outputs; a model made and trained only in PyTorch loads into Descent and matches too. The Python side is
/// <c>tests/interop/</c>; the README's "Outgrowing one machine" runs the same commands.
/// </summary>
public sealed class TorchRoundTripTests : IDisposable
{
    internal const float Tolerance = 1e-5f;
    internal const int Steps = 20, BatchSize = 16;
    internal static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Models => [.. InteropCase.All.Keys];

    [TorchTheory, MemberData(nameof(Models))]
    public void A_descent_model_continues_under_torch_ddp_and_comes_back_with_torch_s_outputs(string name)
    {
        TorchPython.Require();
        var c = InteropCase.All[name];
        var (inputs, targets, evalInputs) = c.Data(seed: 1);
        var model = c.Build(seed: 2);
        TrainInDescent(model, inputs, targets);
        model.Eval();
        var descentOutputs = Outputs(model, evalInputs);
        string saved = _dir.File("descent.safetensors"), data = WriteData(_dir, inputs, targets, evalInputs);
        string trained = _dir.File("ddp.safetensors"), evaluated = _dir.File("ddp-outputs.safetensors");
        ModelFile.Save(saved, model, c.Info(seed: 2));

        string log = TorchPython.Run(_dir.Path, Timeout, ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
            .. TorchPython.TorchrunOutput, TorchPython.Script("ddp_train.py"), "--model", saved, "--data", data, "--out", trained, "--eval-out", evaluated,
            "--steps", Num(Steps), "--batch-size", Num(BatchSize), "--seed", "5"]);

        var (torchOutputs, run) = Safetensors.Load(evaluated);
        Assert.Equal("2", run["world_size"]);
        Assert.Contains($"step {Steps}: loss", log);
        // (a) The torch.nn twin, loaded strictly, computes what Descent computed.
        AssertClose(descentOutputs, torchOutputs["before"], $"{c.Arch}: torch's outputs of the Descent-trained model");
        // The DDP steps moved the weights; otherwise the comparison below would hold for the untouched Descent model.
        Assert.True(MaxDifference(torchOutputs["before"], torchOutputs["after"]) > 1e-3f, $"{c.Arch}: training under DDP changed nothing");
        // (b, c) The file keeps the names and the description, and Descent evaluates it as PyTorch did at the end.
        var (back, info) = ModelFile.Load(trained);
        Assert.Equal(c.Arch, info.Arch);
        Assert.Equal(model.StateDict().Keys, back.StateDict().Keys);
        AssertClose(torchOutputs["after"], Outputs(back, evalInputs), $"{c.Arch}: Descent's outputs of the model trained under DDP");
    }

    [TorchTheory, MemberData(nameof(Models))]
    public void A_model_initialised_and_trained_only_in_torch_loads_into_descent_and_matches(string name)
    {
        TorchPython.Require();
        var c = InteropCase.All[name];
        var (inputs, targets, evalInputs) = c.Data(seed: 3);
        string data = WriteData(_dir, inputs, targets, evalInputs);
        string trained = _dir.File("torch.safetensors"), evaluated = _dir.File("torch-outputs.safetensors");

        TorchPython.Run(_dir.Path, Timeout, TorchPython.Script("train_torch.py"), "--arch", c.Arch,
            "--input-shape", string.Join(',', c.InputShape), "--classes", Num(c.Classes), "--dropout", c.Dropout.ToString("R", CultureInfo.InvariantCulture),
            "--data", data, "--data-name", "csv:interop.csv", "--out", trained, "--eval-out", evaluated,
            "--steps", Num(Steps), "--batch-size", Num(BatchSize), "--seed", "4");

        // (d) Descent rebuilds the model from the metadata PyTorch wrote, loads every weight strictly, and agrees.
        var (model, info) = ModelFile.Load(trained);
        Assert.Equal((c.Arch, c.Classes), (info.Arch, info.Outputs));
        Assert.Equal(c.InputShape, info.InputShape);
        Assert.Equal(c.Build(seed: 0).StateDict().Keys, model.StateDict().Keys);
        AssertClose(Safetensors.Load(evaluated).Tensors["after"], Outputs(model, evalInputs), $"{c.Arch}: Descent's outputs of the torch-trained model");
    }

    private static void TrainInDescent(Sequential model, Tensor inputs, Tensor targets)
    {
        var optimizer = new SGD(model.Parameters(), lr: 0.05);
        var loss = new CrossEntropyLoss();
        for (int step = 0; step < Steps; step++)
        {
            int start = step * BatchSize % InteropCase.Examples;
            optimizer.ZeroGrad();
            loss.Forward(model.Forward(inputs[start..(start + BatchSize)]), targets[start..(start + BatchSize)]).Backward();
            optimizer.Step();
        }
    }

    internal static Tensor Outputs(Module model, Tensor inputs)
    {
        using (Descent.Autograd.NoGrad()) return model.Forward(inputs);
    }

    /// <summary>The data file the scripts read (<c>loop.dataset</c>): inputs, targets and eval_inputs, all float32.</summary>
    internal static string WriteData(TempFolder dir, Tensor inputs, Tensor targets, Tensor evalInputs)
    {
        string path = dir.File("data.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["inputs"] = inputs, ["targets"] = targets, ["eval_inputs"] = evalInputs });
        return path;
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        float worst = MaxDifference(expected, actual);
        Assert.True(worst <= Tolerance, $"{what}: largest difference {worst:G9} is above {Tolerance:G3}");
    }

    internal static float MaxDifference(Tensor a, Tensor b) => a.ToArray().Zip(b.ToArray(), (x, y) => Math.Abs(x - y)).Max();

    internal static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
