using System.CommandLine;
using System.Globalization;
using Descent.Cli.Train;
using Descent.Data;
using Descent.Nn;
using Descent.Training;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent eval</c>: rebuilds a saved model from its metadata and measures it on data: loss and accuracy with a
/// text confusion matrix for a classifier, loss and MAE for a regressor. Without <c>--data</c> it uses the model's
/// own validation part when it was trained on a built-in set; a model trained on a CSV file needs <c>--data</c>,
/// because a model file is data and never names a file for the tool to read.
/// </summary>
/// <example><code>descent eval --model digits.safetensors --data mnist</code></example>
public static class EvalCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var model = Required(CliOptions.ExistingFile("--model", "A model saved by `descent train --save` (or a --checkpoint file)."));
        var data = CliOptions.Custom<DataSpec?>("--data", $"The data: {string.Join(", ", DataSpec.Names)} (default: the built-in set the model was trained on; a CSV-trained model needs --data; {DataSpec.CsvRules}).", null, DataSpec.Parse);
        var dataDir = CliOptions.ExistingFolder("--data-dir", "Folder holding the data tarballs.");
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the results.");
        var command = new Command("eval", "Measure a saved model on data: loss, accuracy and confusion matrix (or MAE).") { model, data, dataDir, json };
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output =>
        {
            string path = parse.GetValue(model)!;
            var (net, info) = ModelFile.Load(path);
            var spec = parse.GetValue(data) ?? DataSpec.ForModel(info.Data);
            var (set, description) = TrainingData.ForModel(info, spec, parse.GetValue(dataDir));
            Loss loss = info.IsClassification ? new CrossEntropyLoss() : new MSELoss();
            IMetric metric = info.IsClassification ? new Accuracy() : new MeanAbsoluteError();
            var confusion = info.IsClassification ? new ConfusionMatrix([.. Enumerable.Range(0, info.Outputs).Select(info.ClassName)]) : null;
            var (lossValue, metricValue) = Measure(net, set, loss, metric, confusion);
            var c = CultureInfo.InvariantCulture;
            output.WriteLine($"model: {path} ({info.Arch}, {info.Task}, trained on {info.Data})");
            output.WriteLine($"data: {spec}, {description}");
            if (confusion != null)
            {
                output.WriteLine($"loss {lossValue.ToString("0.0000", c)}, accuracy {(100 * metricValue).ToString("0.00", c)}% ({set.Count} examples)");
                output.WriteLine(confusion);
            }
            else output.WriteLine($"loss (MSE) {lossValue.ToString("0.0000", c)}, MAE {metricValue.ToString("0.0000", c)} ({set.Count} examples)");
            if (parse.GetValue(json))
            {
                using var line = new JsonLine();
                line.String("model", path).String("arch", info.Arch).String("task", info.Task).String("data", spec.ToString())
                    .Number("examples", set.Count).Number("loss", lossValue).Number(info.IsClassification ? "accuracy" : "mae", metricValue);
                if (confusion != null)
                {
                    line.Writer.WriteStartArray("confusion");
                    for (int i = 0; i < confusion.Classes; i++)
                    {
                        line.Writer.WriteStartArray();
                        for (int j = 0; j < confusion.Classes; j++) line.Writer.WriteNumberValue(confusion[i, j]);
                        line.Writer.WriteEndArray();
                    }
                    line.Writer.WriteEndArray();
                }
                output.WriteLine(line.ToString());
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The mean loss and the metric of <paramref name="model"/> on <paramref name="data"/>; <paramref name="confusion"/>, when given, counts a classifier's predictions.</summary>
    public static (double Loss, double Metric) Measure(Module model, TensorDataset data, Loss loss, IMetric metric, ConfusionMatrix? confusion = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(metric);
        model.Eval();
        metric.Reset();
        confusion?.Reset();
        double sum = 0;
        using var _ = Autograd.NoGrad();
        foreach (var (x, y) in new DataLoader(data, TrainingSession.ValidBatchSize))
        {
            var output = model.Forward(x);
            sum += loss.Forward(output, y).Item() * x.Size(0);
            metric.Update(output, y);
            confusion?.Update(output, y);
        }
        return (sum / data.Count, metric.Compute());
    }

    private static Option<T> Required<T>(Option<T> option)
    {
        // An option with a default counts as given, so a required one must have none.
        option.DefaultValueFactory = null;
        option.Required = true;
        return option;
    }
}
