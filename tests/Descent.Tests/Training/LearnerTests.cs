using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Training;

namespace Descent.Tests.Training;

public class LearnerTests
{
    [Fact]
    public void Regression_LossFallsALot_AndMaeIsRecorded()
    {
        var g = new Generator(3);
        var train = Synthetic.Sin(200, 0.05f, g);
        var valid = Synthetic.Sin(100, 0.05f, g);
        var model = new Mlp(1, 32, 1, new Generator(4));
        var loader = new DataLoader(train, batchSize: 20, shuffle: true, generator: new Generator(5));
        var learner = new Learner(model, loader, new DataLoader(valid, batchSize: 50), new MSELoss(),
            new Adam(model.Parameters(), lr: 0.01), metrics: [new MeanAbsoluteError()]);

        var history = learner.Fit(40);

        Assert.Equal(40, history.Count);
        Assert.Equal(Enumerable.Range(1, 40), history.Select(r => r.Epoch));
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss / 10, $"train loss {history[0].TrainLoss} -> {history[^1].TrainLoss}");
        Assert.True(history[^1].ValidLoss < 0.02, $"valid loss {history[^1].ValidLoss}");
        Assert.True(history[^1].Metrics["mae"] < 0.12, $"mae {history[^1].Metrics["mae"]}");
        Assert.True(history[^1].TrainMetrics.ContainsKey("mae"));
        Assert.Equal(40, learner.Epoch);
        Assert.Equal(40 * loader.Count, learner.Step);
    }

    [Fact]
    public void Classification_MoonsReachesOver90Percent()
    {
        var learner = TrainingKit.MoonsLearner(11, epochs: 30, noise: false);
        var history = learner.Fit(30);
        Assert.True(history[^1].Metrics["accuracy"] > 0.9, $"validation accuracy {history[^1].Metrics["accuracy"]}");
        Assert.True(history[^1].TrainMetrics["accuracy"] > 0.9, $"training accuracy {history[^1].TrainMetrics["accuracy"]}");
    }

    [Fact]
    public void Spirals_ThreeClasses_LearnWell()
    {
        var g = new Generator(21);
        var data = Synthetic.Spirals(100, 3, 0.1f, g);
        var model = new Mlp(2, 64, 3, new Generator(22));
        var loader = new DataLoader(data, batchSize: 30, shuffle: true, generator: new Generator(23));
        var learner = new Learner(model, loader, null, new CrossEntropyLoss(), new Adam(model.Parameters(), lr: 0.02),
            schedule: OneCycle.Fastai(totalSteps: 60 * loader.Count, maxLr: 0.03), metrics: [new Accuracy()]);
        var history = learner.Fit(60);
        Assert.Null(history[^1].ValidLoss);
        Assert.Empty(history[^1].Metrics);
        var eval = learner.Evaluate(new DataLoader(data, batchSize: 300));
        Assert.True(eval.Metrics["accuracy"] > 0.9, $"accuracy {eval.Metrics["accuracy"]}");
    }

    [Fact]
    public void TrainLoss_IsMeanOverExamples_AndValidLossMatchesEvaluate()
    {
        // lr 0: the model never changes, so the epoch's training loss is the loss over all examples.
        var (train, valid) = TrainingKit.Moons();
        var model = new Mlp(2, 8, 2, new Generator(1));
        var loader = new DataLoader(train, batchSize: 100);   // batches of 100, 100 and 40
        var learner = new Learner(model, loader, new DataLoader(valid, batchSize: 30), new CrossEntropyLoss(),
            new SGD(model.Parameters(), lr: 0), metrics: [new Accuracy()]);
        var row = learner.Fit(1)[0];

        using var _ = Descent.Autograd.NoGrad();
        double whole = new CrossEntropyLoss().Forward(model.Forward(train.Inputs), train.Targets).Item();
        Assert.Equal(whole, row.TrainLoss, 5);
        var eval = learner.Evaluate(new DataLoader(valid, batchSize: 80));
        Assert.Equal(eval.Loss, row.ValidLoss!.Value, 5);
        Assert.Equal(eval.Metrics["accuracy"], row.Metrics["accuracy"], 12);
    }

    [Fact]
    public void SumReduction_IsDividedByExamplesOnly()
    {
        var (train, _) = TrainingKit.Moons();
        var model = new Mlp(2, 8, 2, new Generator(1));
        var mean = new Learner(model, new DataLoader(train, batchSize: 64), null, new CrossEntropyLoss(), new SGD(model.Parameters(), lr: 0)).Fit(1)[0];
        var sum = new Learner(model, new DataLoader(train, batchSize: 64), null, new CrossEntropyLoss(reduction: Reduction.Sum), new SGD(model.Parameters(), lr: 0)).Fit(1)[0];
        Assert.Equal(mean.TrainLoss, sum.TrainLoss, 4);
    }

    [Fact]
    public void Schedule_IsSteppedPerBatch_AndLrRecordedAtEpochEnd()
    {
        var learner = TrainingKit.MoonsLearner(2, epochs: 3, noise: false);
        var history = learner.Fit(3);
        Assert.Equal(3 * learner.TrainLoader.Count, learner.Scheduler!.StepCount);
        var schedule = learner.Scheduler.Schedule;
        for (int e = 0; e < 3; e++)
            Assert.Equal(schedule.Lr((e + 1) * learner.TrainLoader.Count, 0.01), history[e].Lr);
    }

    [Fact]
    public void Predict_RunsInEvalModeWithoutGraph_AndRestoresMode()
    {
        var learner = TrainingKit.MoonsLearner(3, noise: true);
        var x = Tensor.FromArray([0.5f, 0.25f, -1f, 0.5f], 2, 2);
        var first = learner.Predict(x);
        var second = learner.Predict(x);
        Assert.Null(first.GradFn);
        Assert.False(first.RequiresGrad);
        Assert.Equal(first.ToArray(), second.ToArray());   // no training noise in eval mode
        Assert.True(learner.Model.Training);
        Assert.Equal(new[] { 2, 2 }, first.Shape);
    }

    [Fact]
    public void Fit_RestoresTheModelsMode()
    {
        var learner = TrainingKit.MoonsLearner(3, noise: false);
        learner.Model.Eval();
        learner.Fit(1);
        Assert.False(learner.Model.Training);
    }

    [Fact]
    public void Fit_Again_ContinuesToTheGivenTotal()
    {
        var learner = TrainingKit.MoonsLearner(4, epochs: 6, noise: false);
        learner.Fit(2);
        var history = learner.Fit(5);
        Assert.Equal(5, history.Count);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, history.Select(r => r.Epoch));
        Assert.Same(history, learner.Fit(5));   // already there: nothing runs
        Assert.Equal(5, learner.Epoch);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => learner.Fit(4));
        Assert.Contains("5 already completed", e.Message);
    }

    [Fact]
    public void Fit_ScheduleTooShort_ThrowsBeforeTraining()
    {
        var learner = TrainingKit.MoonsLearner(5, epochs: 2, noise: false);
        var before = TrainingKit.Weights(learner.Model);
        var e = Assert.Throws<ArgumentException>(() => learner.Fit(3));
        Assert.Contains("OneCycle ends after 16 steps", e.Message);
        Assert.Contains("need 24", e.Message);
        Assert.Equal(before, TrainingKit.Weights(learner.Model));
    }

    [Fact]
    public void Fit_EmptyLoader_Throws()
    {
        var (train, _) = TrainingKit.Moons();
        var model = new Mlp(2, 4, 2, new Generator(1));
        var loader = new DataLoader(train, batchSize: 500, dropLast: true);
        var learner = new Learner(model, loader, null, new CrossEntropyLoss(), new SGD(model.Parameters()));
        var e = Assert.Throws<InvalidOperationException>(() => learner.Fit(1));
        Assert.Contains("no batches", e.Message);
        Assert.Contains("240 examples, batch size 500, dropLast", e.Message);
    }

    [Fact]
    public void Constructor_RejectsBadArguments()
    {
        var (train, _) = TrainingKit.Moons();
        var model = new Mlp(2, 4, 2, new Generator(1));
        var loader = new DataLoader(train, batchSize: 32);
        var opt = new SGD(model.Parameters());
        var none = Assert.Throws<ArgumentException>(() => new Learner(model, loader, null, new CrossEntropyLoss(reduction: Reduction.None), opt));
        Assert.Contains("reduction None", none.Message);
        var clip = Assert.Throws<ArgumentOutOfRangeException>(() => new Learner(model, loader, null, new CrossEntropyLoss(), opt, maxGradNorm: 0));
        Assert.Equal("maxGradNorm", clip.ParamName);
        var twice = Assert.Throws<ArgumentException>(() => new Learner(model, loader, null, new CrossEntropyLoss(), opt, metrics: [new Accuracy(), new Accuracy()]));
        Assert.Contains("two metrics are named 'accuracy'", twice.Message);
        var stateful = Assert.Throws<ArgumentException>(() => new Learner(model, loader, null, new CrossEntropyLoss(), opt,
            callbacks: [new EarlyStopping(), new EarlyStopping(monitor: "train_loss")]));
        Assert.Contains("early_stopping", stateful.Message);
    }

    [Fact]
    public void Fit_WrongTargetShape_FailsWithTheLossMessage()
    {
        var data = new TensorDataset(Tensor.Zeros(8, 2), Tensor.Zeros(8, 3));
        var model = new Mlp(2, 4, 2, new Generator(1));
        var learner = new Learner(model, new DataLoader(data, batchSize: 4), null, new MSELoss(), new SGD(model.Parameters()));
        var e = Assert.ThrowsAny<ArgumentException>(() => learner.Fit(1));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("[4, 3]", e.Message);
    }

    [Fact]
    public void GradientClipping_BoundsEachUpdate()
    {
        // One SGD step with lr 1 moves the weights by exactly the (clipped) gradient, so its norm is at most maxNorm.
        var data = new TensorDataset(Tensor.FromArray([100f, -50f], 1, 2), Tensor.FromArray([1000f], 1, 1));
        var model = new Mlp(2, 4, 1, new Generator(2));
        var before = TrainingKit.Weights(model);
        var learner = new Learner(model, new DataLoader(data), null, new MSELoss(), new SGD(model.Parameters(), lr: 1), maxGradNorm: 0.5);
        learner.Fit(1);
        var after = TrainingKit.Weights(model);
        double norm = Math.Sqrt(before.Zip(after).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        Assert.InRange(norm, 0.45, 0.5 + 1e-4);
    }

    [Fact]
    public void Progress_GetsFitBeginBatchesEpochsAndStopMessages()
    {
        var progress = new RecordingProgress();
        var learner = TrainingKit.MoonsLearner(6, epochs: 2, noise: false, progress: progress);
        learner.Fit(2);
        var info = Assert.Single(progress.Begins);
        Assert.Equal(new FitInfo(1, 2, 8, true), info);
        Assert.Equal(16, progress.Batches);
        Assert.Equal(learner.History.ToList(), progress.Epochs);
    }
}
