using Descent.Nn;
using Descent.Plots;

namespace Descent.Cli.Train;

/// <summary>
/// The figures of <c>descent train --plots DIR</c>, each as PNG and SVG: <c>curves</c> (losses and the metric per
/// epoch, the early-stopping epoch marked), <c>schedule</c> (the learning rate, and momentum where it cycles),
/// for classifiers <c>confusion</c>, for images <c>digits</c> (validation samples with predictions), and for a
/// cnn <c>filters</c> and <c>activations</c> (its first conv layer and the maps it makes of one digit).
/// </summary>
public static class TrainingPlots
{
    /// <summary>Sample digits drawn with their predictions.</summary>
    public const int SampleDigits = 32;

    /// <summary>Writes the figures into <paramref name="folder"/> (created when missing); returns their names.</summary>
    public static IReadOnlyList<string> Write(string folder, TrainResult result)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        var session = result.Session;
        var written = new List<string>();
        void Save(string name, Figure figure)
        {
            figure.Save(Path.Combine(folder, name));
            written.Add(name);
        }

        var history = result.History;
        var curves = new TrainingCurves(history.Series("train_loss"), history.Series("valid_loss"), history.Series(result.MetricName),
            result.MetricName, session.EarlyStopping != null && history.Count > 0 ? Math.Clamp(result.BestEpoch, 1, history.Count) : null);
        Save("curves", TrainingFigures.Curves(curves, $"{session.Info.Arch} on {session.Data.Spec}: training and validation loss"));
        long steps = session.TotalSteps;
        Save("schedule", TrainingFigures.ScheduleCurve(session.Schedule, steps + 1, session.Settings.LearningRate,
            $"{session.Settings.Schedule} schedule, {session.Settings.Optimizer}, peak lr {session.Settings.LearningRate:g3}"));

        if (!session.Data.IsClassification) return written;
        var outputs = session.PredictValidation();
        var predicted = ArgMax(outputs);
        var actual = session.Data.Valid.Targets.ToArray().Select(v => (int)v).ToArray();
        var labels = Enumerable.Range(0, session.Info.Outputs).Select(session.Info.ClassName).ToList();
        Save("confusion", ClassificationFigures.ConfusionMatrix(actual, predicted, labels));
        if (!session.Data.Spec.IsImages) return written;

        int n = Math.Min(SampleDigits, actual.Length);
        var images = session.Data.Valid.Inputs.Narrow(0, 0, n);
        Save("digits", ClassificationFigures.Digits(images, predicted[..n], actual[..n], columns: 8, labels));
        if (session.Model[0] is Conv2d conv)
        {
            Save("filters", ConvFigures.Filters(conv.Weight.Detach()));
            var digit = session.Data.Valid.Inputs.Narrow(0, 0, 1);
            Tensor maps;
            using (Autograd.NoGrad()) maps = conv.Forward(digit).Relu();
            Save("activations", ConvFigures.ActivationMaps(maps, digit));
        }
        return written;
    }

    /// <summary>The arg-max class of each row of [N, C] outputs (first maximum wins, as torch.argmax).</summary>
    public static int[] ArgMax(Tensor outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return [.. outputs.ArgMax(1).Data.ToArray().Select(c => (int)c)];
    }
}
