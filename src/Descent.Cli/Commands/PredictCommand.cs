using System.CommandLine;
using System.Globalization;
using Descent.Cli.Train;
using Descent.Training;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent predict</c>: rebuilds a saved model from its metadata and prints one prediction per CSV row: the class
/// and its probability for a classifier, the value for a regressor. Inputs are standardized as in training.
/// </summary>
/// <example><code>descent predict --model iris.safetensors --input flowers.csv</code></example>
public static class PredictCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var model = CliOptions.ExistingFile("--model", "A model saved by `descent train --save` (or a --checkpoint file).");
        model.DefaultValueFactory = null;
        model.Required = true;
        var input = CliOptions.ExistingFile("--input", $"CSV of inputs, one example per row; a first row without numbers is a header (it names the features of a CSV-trained model). Lines hold at most {Descent.Data.CsvReader.MaxLineChars} characters and {Descent.Data.CsvReader.MaxFields} fields.");
        input.DefaultValueFactory = null;
        input.Required = true;
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON holding the predictions.");
        var command = new Command("predict", "Predict with a saved model, one line per CSV row.") { model, input, json };
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output =>
        {
            var (net, info) = ModelFile.Load(parse.GetValue(model)!);
            var x = InputCsv.Read(parse.GetValue(input)!, info);
            if (info.Scaling != null) x = info.Scaling.Apply(x);
            x = x.Reshape([x.Size(0), .. info.InputShape]);
            Tensor y;
            using (Autograd.NoGrad()) y = net.Forward(x);
            var c = CultureInfo.InvariantCulture;
            using var line = new JsonLine();
            line.String("model", parse.GetValue(model)).String("task", info.Task);
            line.Writer.WriteStartArray("predictions");
            int n = y.Size(0);
            if (info.IsClassification)
            {
                var p = y.Softmax(-1);
                var classes = TrainingPlots.ArgMax(p);
                for (int i = 0; i < n; i++)
                {
                    float prob = p.At(i, classes[i]);
                    string name = info.ClassName(classes[i]);
                    string label = info.ClassNames != null ? $"class {classes[i]} ({name})" : $"class {name}";
                    output.WriteLine($"row {i + 1}: {label}, probability {prob.ToString("0.0000", c)}");
                    line.Writer.WriteStartObject();
                    line.Writer.WriteNumber("class", classes[i]);
                    line.Writer.WriteString("label", name);
                    line.Writer.WriteNumber("probability", prob);
                    line.Writer.WriteEndObject();
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    float v = y.Data[i];
                    output.WriteLine($"row {i + 1}: {v.ToString("0.0000", c)}");
                    line.Writer.WriteStartObject();
                    line.Writer.WritePropertyName("value");
                    JsonLine.Value(line.Writer, v);
                    line.Writer.WriteEndObject();
                }
            }
            line.Writer.WriteEndArray();
            if (parse.GetValue(json)) output.WriteLine(line.ToString());
            return 0;
        }));
        return command;
    }
}
