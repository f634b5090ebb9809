using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>The learner's short form: model, data and epochs, with <c>descent train</c>'s defaults.</summary>
public class LearnerDefaultsTests
{
    private static (Sequential Model, DataLoader Train, DataLoader Valid) Moons()
    {
        var (train, valid) = TrainingKit.Moons();
        var model = ModelSpec.Parse("mlp:16").Build([2], 2, init: new Generator(3));
        return (model, new DataLoader(train, 32, shuffle: true, generator: new Generator(4)), new DataLoader(valid, 64));
    }

    [Fact]
    public void Short_form_trains_exactly_as_the_full_form_with_the_cli_defaults()
    {
        var (m1, t1, v1) = Moons();
        var short1 = new Learner(m1, t1, v1, epochs: 4, progress: false);
        var history = short1.Fit();

        var (m2, t2, v2) = Moons();
        var full = new Learner(m2, t2, v2, new CrossEntropyLoss(), new Adam(m2.Parameters(), lr: 3e-3),
            OneCycle.Fastai(4L * t2.Count, maxLr: 3e-3, cycleMomentum: true), metrics: [new Accuracy()]);
        full.Fit(4);

        Assert.Equal(4, history.Count);
        TrainingKit.AssertBitIdentical(TrainingKit.Weights(m2), TrainingKit.Weights(m1));
        Assert.True(history[^1].Metrics["accuracy"] > 0.8, $"accuracy {history[^1].Metrics["accuracy"]}");
    }

    [Fact]
    public void Progress_goes_to_the_console_unless_turned_off()
    {
        var (model, train, valid) = Moons();
        Assert.IsType<PlainProgress>(new Learner(model, train, valid, epochs: 1).Progress);
        Assert.Null(new Learner(model, train, valid, epochs: 1, progress: false).Progress);
    }

    [Fact]
    public void Short_form_takes_other_metrics_and_fit_without_epochs_needs_them()
    {
        var (model, train, valid) = Moons();
        var confusion = new ConfusionMatrix();
        var learner = new Learner(model, train, valid, epochs: 1, metrics: [new F1Score(), confusion], progress: false);
        var record = learner.Fit()[^1];
        Assert.Equal(["f1", "balanced_accuracy"], record.Metrics.Keys);
        Assert.Equal(80, confusion.Actual(0) + confusion.Actual(1));   // the last pass: validation's 80 points

        var full = new Learner(model, train, valid, new CrossEntropyLoss(), new SGD(model.Parameters(), 0.1));
        Assert.Contains("without epochs", Assert.Throws<InvalidOperationException>(() => full.Fit()).Message);
    }

    [Fact]
    public void Evaluation_result_prints_its_loss_and_metrics()
    {
        var result = new EvaluationResult(0.25, new Dictionary<string, double> { ["accuracy"] = 0.875, ["f1"] = 0.5 });
        Assert.Equal("EvaluationResult(loss=0.25, accuracy=0.875, f1=0.5)", result.ToString());
    }

    [Fact]
    public void Short_form_refuses_bad_arguments_naming_them()
    {
        var (model, train, valid) = Moons();
        Assert.Throws<ArgumentOutOfRangeException>("epochs", () => new Learner(model, train, valid, epochs: 0));
        Assert.Throws<ArgumentOutOfRangeException>("lr", () => new Learner(model, train, valid, epochs: 1, lr: -1));
    }
}
