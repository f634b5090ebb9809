using System.Text;
using Descent.Data;
using Descent.IO;
using Descent.Nn;
using Descent.Optim;
using Descent.Training;

namespace Descent.Tests.Training;

[Collection("Generator.Default")]
public class CheckpointTests : IDisposable
{
    private readonly string _dir = TrainingKit.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData("adam", 2)]
    [InlineData("sgd", 3)]
    [InlineData("adam", 5)]
    public void Resume_EndsBitIdenticalToAnUninterruptedRun(string optimizer, int stopAt)
    {
        // Shuffling, training noise from an extra generator, momentum or Adam state and a OneCycle schedule.
        const int epochs = 6;
        var whole = TrainingKit.MoonsLearner(41, optimizer, epochs);
        var wholeHistory = whole.Fit(epochs);

        var path = PathOf("run.safetensors");
        var first = TrainingKit.MoonsLearner(41, optimizer, epochs, callbacks: [new ModelCheckpoint(path, saveBest: false)]);
        first.Fit(stopAt);

        // A new process: fresh objects built the same way, and the default generator moved on.
        Generator.Default.NextUInt64();
        var resumed = TrainingKit.MoonsLearner(41, optimizer, epochs);
        var history = resumed.Fit(epochs, resumeFrom: path);

        Assert.Equal(epochs, history.Count);
        Assert.True(wholeHistory.SameValues(history));
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(whole.Model), TrainingKit.Weights(resumed.Model));
        Assert.Equal(whole.Step, resumed.Step);
        Assert.Equal(whole.Lr, resumed.Lr);
        Assert.Equal(whole.Optimizer.ParamGroups[0].Beta1 ?? whole.Optimizer.ParamGroups[0].Momentum,
            resumed.Optimizer.ParamGroups[0].Beta1 ?? resumed.Optimizer.ParamGroups[0].Momentum);
    }

    [Fact]
    public void Resume_WithLinearReluDropout_EndsBitIdentical()
    {
        Learner Make(ModelCheckpoint? save = null)
        {
            var (train, valid) = TrainingKit.Moons();
            var init = new Generator(60);
            var drop = new Generator(61);
            var model = new Sequential(new Linear(2, 32, generator: init), new ReLU(), new Dropout(0.2f, drop), new Linear(32, 2, generator: init));
            var loader = new DataLoader(train, batchSize: 16, shuffle: true, generator: new Generator(62));
            return new Learner(model, loader, new DataLoader(valid, batchSize: 80), new CrossEntropyLoss(),
                new AdamW(model.Parameters(), lr: 0.01), Descent.Optim.Schedules.OneCycle.PyTorch(totalSteps: 5 * loader.Count, maxLr: 0.02),
                metrics: [new Accuracy()], callbacks: save == null ? null : [save], generators: [drop], architecture: "mlp:32,dropout");
        }
        var whole = Make();
        whole.Fit(5);
        var path = PathOf("layers.safetensors");
        Make(new ModelCheckpoint(path, saveBest: false)).Fit(3);
        var resumed = Make();
        resumed.Fit(5, resumeFrom: path);
        Assert.True(whole.History.SameValues(resumed.History));
        Assert.True(whole.History[^1].Metrics["accuracy"] > 0.8);
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(whole.Model), TrainingKit.Weights(resumed.Model));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias"], Checkpoint.Load(path).Model.Keys);
    }

    [Fact]
    public void Resume_KeepsHyperParametersChangedDuringTraining_Exactly()
    {
        // Without a schedule nothing recomputes the rate on resume: it must come back as the exact double.
        var whole = TrainingKit.MoonsLearner(42, "sgd", schedule: false, callbacks: [new Decay()]);
        whole.Fit(4);
        var path = PathOf("decay.safetensors");
        TrainingKit.MoonsLearner(42, "sgd", schedule: false, callbacks: [new Decay(), new ModelCheckpoint(path, saveBest: false)]).Fit(2);
        var resumed = TrainingKit.MoonsLearner(42, "sgd", schedule: false, callbacks: [new Decay()]);
        resumed.Fit(4, resumeFrom: path);
        Assert.NotEqual((double)(float)whole.Lr, whole.Lr);
        Assert.Equal(whole.Lr, resumed.Lr);
        Assert.True(whole.History.SameValues(resumed.History));
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(whole.Model), TrainingKit.Weights(resumed.Model));
    }

    private sealed class Decay : ICallback
    {
        public void OnEpochEnd(Learner learner, EpochRecord record)
        {
            foreach (var g in learner.Optimizer.ParamGroups) g.Lr *= 0.3;
        }
    }

    [Fact]
    public void Resume_WithEarlyStopping_StopsAndRestoresAsTheUninterruptedRun()
    {
        EarlyStopping Stop() => new(monitor: "train_loss", patience: 1, minDelta: 0.02, restoreBestWeights: true);
        var whole = TrainingKit.MoonsLearner(43, "sgd", epochs: 12, callbacks: [Stop()]);
        var wholeHistory = whole.Fit(12);
        Assert.InRange(wholeHistory.Count, 2, 11);   // it does stop early, so the resumed run must too

        var path = PathOf("es.safetensors");
        var first = TrainingKit.MoonsLearner(43, "sgd", epochs: 12, callbacks: [Stop(), new ModelCheckpoint(path, saveBest: false)]);
        first.Fit(wholeHistory.Count - 1);
        var resumed = TrainingKit.MoonsLearner(43, "sgd", epochs: 12, callbacks: [Stop()]);
        var history = resumed.Fit(12, resumeFrom: path);

        Assert.True(wholeHistory.SameValues(history));
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(whole.Model), TrainingKit.Weights(resumed.Model));

        // A checkpoint written at the stop resumes to the stop: nothing more is trained.
        var atStop = PathOf("stopped.safetensors");
        whole.SaveCheckpoint(atStop);
        var again = TrainingKit.MoonsLearner(43, "sgd", epochs: 12, callbacks: [Stop()]);
        Assert.Equal(wholeHistory.Count, again.Fit(12, resumeFrom: atStop).Count);
        Assert.Equal(wholeHistory.StopReason, again.History.StopReason);
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(whole.Model), TrainingKit.Weights(again.Model));
    }

    [Fact]
    public void SaveLoad_RoundTripsEveryPart()
    {
        var learner = TrainingKit.MoonsLearner(44, "adam", epochs: 3, callbacks: [new EarlyStopping(restoreBestWeights: true)]);
        learner.Fit(2);
        var path = PathOf("state.safetensors");
        learner.SaveCheckpoint(path);
        var c = Checkpoint.Load(path);

        Assert.Equal(2, c.Epoch);
        Assert.Equal(16, c.Step);
        Assert.Equal("Adam", c.OptimizerType);
        Assert.Equal("mlp:2,16,2", c.Architecture);
        Assert.Null(c.StopReason);
        Assert.Equal(learner.Model.StateDict().Keys, c.Model.Keys);
        Assert.Equal(learner.Optimizer.StateDict().Keys, c.Optimizer.Keys);
        Assert.Equal(learner.Scheduler!.StateDict(), c.Scheduler);
        Assert.Equal(learner.Lr, c.OptimizerGroups[0]["lr"]);
        Assert.Equal(["train_loader", "valid_loader", "default", "extra_0"], c.Rng.Keys);
        Assert.Equal(learner.TrainLoader.Generator.GetState(), c.Rng["train_loader"]);
        Assert.True(learner.History.SameValues(c.History));
        var es = c.Callbacks["early_stopping"];
        Assert.Equal(learner.Model.StateDict().Keys.Order(), es.Tensors.Keys.Order());

        var (tensors, metadata) = Safetensors.Load(path);
        Assert.All(tensors.Keys, k => Assert.True(k.StartsWith("model.") || k.StartsWith("optimizer.") || k.StartsWith("callbacks.early_stopping.")));
        Assert.Equal(Checkpoint.FormatName, metadata["format"]);
        foreach (var key in new[] { "epoch", "step", "rng", "history", "architecture", "scheduler", "optimizer_groups", "optimizer_type", "callbacks" })
            Assert.True(metadata.ContainsKey(key), key);
    }

    [Fact]
    public void TheRunSettingsRoundTripInOrder()
    {
        var path = PathOf("run.safetensors");
        var learner = TrainingKit.MoonsLearner(50, epochs: 1);
        var c = learner.CaptureCheckpoint();
        Assert.Null(c.Run);
        KeyValuePair<string, string>[] run = [new("--seed", "3"), new("--lr", "0.01"), new("--data", "csv:a \"b\".csv")];
        Checkpoint.Save(path, new Checkpoint
        {
            Model = c.Model, Optimizer = c.Optimizer, OptimizerType = c.OptimizerType, OptimizerGroups = c.OptimizerGroups,
            Scheduler = c.Scheduler, Rng = c.Rng, Epoch = c.Epoch, Step = c.Step, History = c.History, Run = run,
        });
        Assert.Equal(run, Checkpoint.Load(path).Run);
    }

    [Fact]
    public void Resume_OtherArchitecture_ListsMismatchedKeys_AndChangesNothing()
    {
        var path = PathOf("small.safetensors");
        TrainingKit.MoonsLearner(45, epochs: 2).SaveCheckpoint(path);

        var (train, valid) = TrainingKit.Moons();
        var model = new Wide(new Generator(1));
        var learner = new Learner(model, new DataLoader(train, batchSize: 32, shuffle: true, generator: new Generator(2)),
            new DataLoader(valid, batchSize: 64), new CrossEntropyLoss(), new Adam(model.Parameters()), metrics: [new Accuracy()]);
        var before = TrainingKit.Weights(model);
        var e = Assert.Throws<ArgumentException>(() => learner.Fit(2, resumeFrom: path));
        Assert.StartsWith("small.safetensors: the checkpoint does not fit this learner", e.Message);
        Assert.True(e.Message.Contains("missing keys: fc3.weight, fc3.bias", StringComparison.Ordinal), e.Message);
        Assert.Contains("fc2.weight: expected [4, 16], got [2, 16]", e.Message);
        Assert.Equal(before, TrainingKit.Weights(model));
        Assert.Equal(0, learner.Epoch);
    }

    [Fact]
    public void Resume_OtherOptimizerOrSchedule_FailsAndChangesNothing()
    {
        var path = PathOf("adam.safetensors");
        TrainingKit.MoonsLearner(46, "adam", epochs: 2).SaveCheckpoint(path);

        var sgd = TrainingKit.MoonsLearner(46, "sgd", epochs: 2);
        var e = Assert.Throws<ArgumentException>(() => sgd.Resume(path));
        Assert.Contains("written by optimizer Adam, this learner uses SGD", e.Message);

        var unscheduled = TrainingKit.MoonsLearner(46, "adam", epochs: 2, schedule: false);
        var before = TrainingKit.Weights(unscheduled.Model);
        e = Assert.Throws<ArgumentException>(() => unscheduled.Resume(path));
        Assert.Contains("has a schedule state but this learner has no schedule", e.Message);
        Assert.Equal(before, TrainingKit.Weights(unscheduled.Model));

        var noNoise = TrainingKit.MoonsLearner(46, "adam", epochs: 2, noise: false);
        e = Assert.Throws<ArgumentException>(() => noNoise.Resume(path));
        Assert.Contains("generator states differ; unexpected: extra_0", e.Message);
    }

    [Fact]
    public void Resume_ArchitectureStringDiffers_FailsAndRollsBack()
    {
        var path = PathOf("arch.safetensors");
        var source = TrainingKit.MoonsLearner(47, epochs: 2);
        source.Fit(1);
        source.SaveCheckpoint(path);

        var (train, valid) = TrainingKit.Moons();
        var noise = new Generator(1047);
        var model = new Mlp(2, 16, 2, new Generator(47), noise);
        var loader = new DataLoader(train, batchSize: 32, shuffle: true, generator: new Generator(48));
        var learner = new Learner(model, loader, new DataLoader(valid, batchSize: 64), new CrossEntropyLoss(), new Adam(model.Parameters(), lr: 0.01),
            new Descent.Optim.Schedules.OneCycle(totalSteps: 16, maxLr: 0.05), generators: [noise], architecture: "mlp:2,16,2,relu6");
        var before = TrainingKit.Weights(model);
        var e = Assert.Throws<ArgumentException>(() => learner.Resume(path));
        Assert.Contains("architecture 'mlp:2,16,2' differs from this learner's 'mlp:2,16,2,relu6'", e.Message);
        Assert.Equal(before, TrainingKit.Weights(model));
        Assert.Equal(0, learner.Optimizer.StepCount);
    }

    [Fact]
    public void LoadModel_ReadsCheckpointsAndPlainModelFiles()
    {
        var learner = TrainingKit.MoonsLearner(48, epochs: 1);
        learner.Fit(1);
        var ckpt = PathOf("c.safetensors");
        learner.SaveCheckpoint(ckpt);
        var (state, arch) = Checkpoint.LoadModel(ckpt);
        Assert.Equal("mlp:2,16,2", arch);
        var copy = new Mlp(2, 16, 2, new Generator(99));
        copy.LoadStateDict(state);
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(learner.Model), TrainingKit.Weights(copy));

        var plain = PathOf("m.safetensors");
        Safetensors.Save(plain, learner.Model.StateDict(), new Dictionary<string, string> { ["architecture"] = "mlp:x" });
        var (plainState, plainArch) = Checkpoint.LoadModel(plain);
        Assert.Equal("mlp:x", plainArch);
        Assert.Equal(state.Keys, plainState.Keys);
    }

    [Fact]
    public void Load_PlainModelFile_IsNotACheckpoint()
    {
        var plain = PathOf("plain.safetensors");
        Safetensors.Save(plain, new Mlp(2, 3, 2, new Generator(1)).StateDict());
        var e = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Load(plain));
        Assert.Equal("plain.safetensors: not a Descent checkpoint (metadata 'format' is missing, expected 'descent.checkpoint.v1')", e.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(PathOf("none.safetensors")));
        Assert.StartsWith("none.safetensors: file not found", e.Message);
    }

    [Theory]
    [InlineData("epoch", "-1", "metadata 'epoch' must be a whole number")]
    [InlineData("epoch", "3", "metadata 'history' has 2 epochs but 'epoch' is 3")]
    [InlineData("step", "1e3", "metadata 'step' must be a whole number")]
    [InlineData("history", "[{]", "metadata 'history': history: not valid JSON")]
    [InlineData("rng", "{\"train_loader\": [1, 2]}", "metadata 'rng': generator 'train_loader': expected 7 words of state")]
    [InlineData("rng", "{\"train_loader\": [1, 2, 3, 4, 5, 6, -7]}", "word 6 is not an unsigned 64-bit integer")]
    [InlineData("optimizer_groups", "{}", "metadata 'optimizer_groups': expected an array")]
    [InlineData("scheduler", "{\"last_epoch\": \"soon\"}", "metadata 'scheduler': 'last_epoch' is not a number")]
    [InlineData("callbacks", "[", "metadata 'callbacks' is not valid JSON")]
    [InlineData("optimizer_type", null, "metadata 'optimizer_type' is missing")]
    [InlineData("run", "[\"--lr\"]", "metadata 'run': expected an object of strings")]
    [InlineData("run", "{\"--lr\": 0.1}", "metadata 'run': '--lr' is not a string")]
    [InlineData("run", "{\"--lr\": \"0.1\", \"--lr\": \"0.2\"}", "metadata 'run': '--lr' appears twice")]
    [InlineData("format", "descent.checkpoint.v0", "not a Descent checkpoint (metadata 'format' is 'descent.checkpoint.v0'")]
    public void Load_CorruptMetadata_ThrowsNamingFileAndEntry(string key, string? value, string expected)
    {
        var path = PathOf("good.safetensors");
        var learner = TrainingKit.MoonsLearner(49, epochs: 2);
        learner.Fit(2);
        learner.SaveCheckpoint(path);
        var (tensors, metadata) = Safetensors.Load(path);
        if (value == null) metadata.Remove(key);
        else metadata[key] = value;
        var bad = PathOf("bad.safetensors");
        Safetensors.Save(bad, tensors, metadata);

        var e = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Load(bad));
        Assert.StartsWith("bad.safetensors: ", e.Message);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Load_StrayTensor_IsRejected()
    {
        var path = PathOf("stray.safetensors");
        var learner = TrainingKit.MoonsLearner(50, epochs: 1);
        learner.SaveCheckpoint(path);
        var (tensors, metadata) = Safetensors.Load(path);
        tensors.Add("scheduler.last_epoch", Tensor.Scalar(1));
        Safetensors.Save(path, tensors, metadata);
        var e = Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Load(path));
        Assert.Contains("tensor 'scheduler.last_epoch' belongs to no part of a checkpoint", e.Message);
    }

    [Fact]
    public void Parse_Truncated_ThrowsFormatException()
    {
        var path = PathOf("t.safetensors");
        TrainingKit.MoonsLearner(51, epochs: 1).SaveCheckpoint(path);
        var bytes = File.ReadAllBytes(path);
        var g = new Generator(5);
        for (int i = 0; i < 50; i++)
        {
            int cut = g.NextInt(bytes.Length);
            Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Parse(bytes.AsSpan(0, cut), "t.safetensors"));
        }
        var flipped = (byte[])bytes.Clone();
        int header = 8 + Encoding.UTF8.GetString(bytes, 8, 200).IndexOf("format", StringComparison.Ordinal);
        flipped[header] ^= 0x20;   // 'format' becomes 'Format'
        Assert.Throws<SafetensorsFormatException>(() => Checkpoint.Parse(flipped, "t.safetensors"));
    }

    /// <summary>Moons MLP with a wider second layer and a third one: the "other architecture".</summary>
    private sealed class Wide : Module
    {
        private readonly Dense _fc1, _fc2, _fc3;

        public Wide(Generator g)
        {
            _fc1 = RegisterModule("fc1", new Dense(2, 16, g));
            _fc2 = RegisterModule("fc2", new Dense(16, 4, g));
            _fc3 = RegisterModule("fc3", new Dense(4, 2, g));
        }

        public override Tensor Forward(Tensor input) => _fc3.Forward(_fc2.Forward(_fc1.Forward(input).Clamp(min: 0f)).Clamp(min: 0f));
    }
}
