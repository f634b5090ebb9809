using Descent.Data;
using Descent.IO;
using Descent.Nn;
using Descent.Optim;
using Descent.Training;

namespace Descent.Tests.Training;

[Collection("Generator.Default")]
public class CallbackTests
{
    [Fact]
    public void Hooks_RunInOrder_SortedByOrderThenAsGiven()
    {
        var log = new List<string>();
        var data = new TensorDataset(Tensor.Zeros(5, 2), Tensor.Zeros(5));
        var model = new Mlp(2, 3, 2, new Generator(1));
        var learner = new Learner(model, new DataLoader(data, batchSize: 3), null, new CrossEntropyLoss(), new SGD(model.Parameters()),
            callbacks: [new RecordingCallback("late", log, order: 5), new RecordingCallback("a", log), new RecordingCallback("b", log)]);
        Assert.Equal(["a", "b", "late"], learner.Callbacks.Cast<RecordingCallback>().Select(c => c.Name));
        learner.Fit(2);
        string[] expected =
        [
            "a:fit_begin", "b:fit_begin", "late:fit_begin",
            "a:epoch_begin 1", "b:epoch_begin 1", "late:epoch_begin 1",
            "a:batch_end 1.1", "b:batch_end 1.1", "late:batch_end 1.1",
            "a:batch_end 1.2", "b:batch_end 1.2", "late:batch_end 1.2",
            "a:epoch_end 1 history 1", "b:epoch_end 1 history 1", "late:epoch_end 1 history 1",
            "a:epoch_begin 2", "b:epoch_begin 2", "late:epoch_begin 2",
            "a:batch_end 2.1", "b:batch_end 2.1", "late:batch_end 2.1",
            "a:batch_end 2.2", "b:batch_end 2.2", "late:batch_end 2.2",
            "a:epoch_end 2 history 2", "b:epoch_end 2 history 2", "late:epoch_end 2 history 2",
            "a:fit_end 2", "b:fit_end 2", "late:fit_end 2",
        ];
        Assert.Equal(expected, log);
    }

    [Fact]
    public void StopRequestedInBatch_EndsEpochWithoutRecordingIt()
    {
        var learner = TrainingKit.MoonsLearner(1, epochs: 5, noise: false, callbacks: [new StopAt(epoch: 2, batch: 3)]);
        var history = learner.Fit(5);
        Assert.Single(history);
        Assert.Equal(1, learner.Epoch);
        Assert.Equal(8 + 3, learner.Step);
        Assert.Equal("stop at 2.3", history.StopReason);
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatience_AndRestoresBestWeights()
    {
        // Validation loss falls for a few epochs, then an lr too large makes it worse: the best epoch is early.
        var progress = new RecordingProgress();
        var stop = new EarlyStopping(patience: 2, restoreBestWeights: true);
        var snapshots = new SnapshotWeights();
        var (train, valid) = TrainingKit.Moons();
        var model = new Mlp(2, 16, 2, new Generator(8));
        var learner = new Learner(model, new DataLoader(train, batchSize: 32, shuffle: true, generator: new Generator(9)),
            new DataLoader(valid, batchSize: 80), new CrossEntropyLoss(), new SGD(model.Parameters(), lr: 0.05, momentum: 0.9),
            callbacks: [new LrJump(afterEpoch: 3, lr: 30), stop, snapshots], progress: progress);

        var history = learner.Fit(50);

        var losses = history.Series("valid_loss");
        int best = Array.IndexOf(losses, losses.Where(double.IsFinite).Min()) + 1;
        Assert.Equal(best, stop.BestEpoch);
        Assert.Equal(best + 2, history.Count);               // two epochs without improvement, then stop
        Assert.Equal(best + 2, stop.StoppedEpoch);
        Assert.Equal(2, stop.Wait);
        Assert.StartsWith($"early stopping at epoch {best + 2}: valid_loss has not improved for 2 epochs", history.StopReason);
        TrainingKit.AssertBitIdentical(snapshots.ByEpoch[best], TrainingKit.Weights(model));
        Assert.Contains(progress.Messages, m => m.StartsWith($"restored the weights of epoch {best}"));
    }

    [Fact]
    public void EarlyStopping_OnAccuracy_IsMaximizedAutomatically()
    {
        var stop = new EarlyStopping(monitor: "accuracy", patience: 100);
        var learner = TrainingKit.MoonsLearner(3, epochs: 5, noise: false, callbacks: [stop]);
        var history = learner.Fit(5);
        var acc = history.Series("accuracy");
        Assert.Equal(acc.Max(), stop.Best);
        Assert.Equal(Array.IndexOf(acc, acc.Max()) + 1, stop.BestEpoch);
    }

    [Fact]
    public void EarlyStopping_MinDelta_IgnoresSmallImprovements()
    {
        var stop = new EarlyStopping(monitor: "train_loss", patience: 1, minDelta: 1e9);
        var learner = TrainingKit.MoonsLearner(3, epochs: 5, noise: false, callbacks: [stop]);
        var history = learner.Fit(5);
        Assert.Equal(2, history.Count);   // epoch 1 beats +infinity; epoch 2 cannot improve by 1e9
        Assert.Equal(1, stop.BestEpoch);
    }

    [Fact]
    public void EarlyStopping_UnknownMonitor_ListsWhatIsRecorded()
    {
        var learner = TrainingKit.MoonsLearner(3, epochs: 2, noise: false, callbacks: [new EarlyStopping(monitor: "f1")]);
        var e = Assert.Throws<InvalidOperationException>(() => learner.Fit(2));
        Assert.Contains("'f1' is not recorded at epoch 1; available: train_loss, valid_loss, accuracy, train_accuracy", e.Message);
    }

    [Fact]
    public void EarlyStopping_BadArguments_Throw()
    {
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: -1)).ParamName);
        Assert.Equal("minDelta", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(minDelta: -0.1)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(mode: (MonitorMode)7)).ParamName);
        Assert.Throws<ArgumentException>(() => new EarlyStopping(monitor: " "));
    }

    [Fact]
    public void ModelCheckpoint_WritesLastEveryEpochAndBestWhenImproved()
    {
        var dir = TrainingKit.TempFolder();
        try
        {
            var path = Path.Combine(dir, "run.safetensors");
            var save = new ModelCheckpoint(path, monitor: "accuracy");
            Assert.Equal(Path.Combine(dir, "run.best.safetensors"), save.BestPath);
            var bestWeights = new SnapshotWeights();
            var learner = TrainingKit.MoonsLearner(4, epochs: 6, noise: false, callbacks: [save, bestWeights]);
            var history = learner.Fit(6);

            var last = Checkpoint.Load(path);
            Assert.Equal(6, last.Epoch);
            Assert.Equal("mlp:2,16,2", last.Architecture);
            Assert.True(history.SameValues(last.History));
            TrainingKit.AssertBitIdentical(TrainingKit.Weights(learner.Model), last.Model.Values.SelectMany(t => t.ToArray()).ToArray());

            var acc = history.Series("accuracy");
            int bestEpoch = Array.IndexOf(acc, acc.Max()) + 1;
            var best = Checkpoint.Load(save.BestPath);
            Assert.Equal(bestEpoch, best.Epoch);
            Assert.Equal(bestEpoch, save.BestEpoch);
            TrainingKit.AssertBitIdentical(bestWeights.ByEpoch[bestEpoch], best.Model.Values.SelectMany(t => t.ToArray()).ToArray());
            Assert.Equal(bestEpoch, (int)best.Callbacks["model_checkpoint"].Values["best_epoch"]);
            // Only the two checkpoints: no temporary files are left behind.
            Assert.Equal(["run.best.safetensors", "run.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ModelCheckpoint_RunsAfterOtherCallbacks()
    {
        var save = new ModelCheckpoint(Path.Combine(Path.GetTempPath(), "unused.safetensors"));
        var stop = new EarlyStopping();
        var learner = TrainingKit.MoonsLearner(1, callbacks: [save, stop]);
        Assert.Equal([stop, save], learner.Callbacks);
    }

    [Fact]
    public void ModelCheckpoint_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("a.safetensors", saveBest: false, saveLast: false));
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("a.safetensors", bestPath: "a.safetensors"));
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint(""));
    }

    [Fact]
    public void NanGuard_HugeLr_StopsNamingEpochBatchAndLr()
    {
        var progress = new RecordingProgress();
        var g = new Generator(1);
        var data = Synthetic.Sin(64, 0f, g);
        var model = new Mlp(1, 8, 1, new Generator(2));
        var learner = new Learner(model, new DataLoader(data, batchSize: 8), null, new MSELoss(), new SGD(model.Parameters(), lr: 2.5),
            callbacks: [new NanGuard()], progress: progress);

        var history = learner.Fit(20);

        Assert.NotNull(history.StopReason);
        Assert.Matches(@"^training diverged: loss is (NaN|Infinity) at epoch \d+, batch \d+ \(lr 2\.5\)$", history.StopReason);
        var m = System.Text.RegularExpressions.Regex.Match(history.StopReason!, @"epoch (\d+), batch (\d+)");
        int epoch = int.Parse(m.Groups[1].Value), batch = int.Parse(m.Groups[2].Value);
        Assert.Equal(epoch - 1, history.Count);   // the diverged epoch is not recorded
        Assert.Equal((epoch - 1) * 8 + batch, learner.Step);
        Assert.Contains(history.StopReason, progress.Messages);
    }

    [Fact]
    public void NanGuard_FiniteLosses_DoNotStop()
    {
        var learner = TrainingKit.MoonsLearner(2, epochs: 2, noise: false, callbacks: [new NanGuard()]);
        var history = learner.Fit(2);
        Assert.Equal(2, history.Count);
        Assert.Null(history.StopReason);
    }

    [Fact]
    public void LrFind_ReturnsASuggestion_AndLeavesTrainingUnchanged()
    {
        var withFind = TrainingKit.MoonsLearner(12, epochs: 2);
        var weights = TrainingKit.Weights(withFind.Model);
        var lr = withFind.Lr;
        var found = withFind.LrFind(numIter: 40);
        Assert.InRange(found.Lrs.Count, 10, 40);
        Assert.Equal(1e-7, found.Lrs[0]);
        Assert.InRange(found.Suggestion, 1e-7, 10);
        Assert.Equal(weights, TrainingKit.Weights(withFind.Model));
        Assert.Equal(lr, withFind.Lr);
        Assert.Equal(0, withFind.Optimizer.StepCount);

        var without = TrainingKit.MoonsLearner(12, epochs: 2);
        Assert.True(without.Fit(2).SameValues(withFind.Fit(2)));
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(without.Model), TrainingKit.Weights(withFind.Model));
    }

    private sealed class StopAt(int epoch, int batch) : ICallback
    {
        public void OnBatchEnd(Learner learner, BatchResult result)
        {
            if (result.Epoch == epoch && result.Batch == batch) learner.RequestStop($"stop at {epoch}.{batch}");
        }
    }

    /// <summary>Raises every group's rate after an epoch, to make training worse on purpose.</summary>
    private sealed class LrJump(int afterEpoch, double lr) : ICallback
    {
        public void OnEpochEnd(Learner learner, EpochRecord record)
        {
            if (record.Epoch == afterEpoch) foreach (var g in learner.Optimizer.ParamGroups) g.Lr = lr;
        }
    }

    private sealed class SnapshotWeights : ICallback
    {
        public Dictionary<int, float[]> ByEpoch { get; } = [];
        public void OnEpochEnd(Learner learner, EpochRecord record) => ByEpoch[record.Epoch] = TrainingKit.Weights(learner.Model);
    }
}
