using System.CommandLine;
using Descent.Cli.Train;
using Descent.IO.Onnx;
using Descent.Training;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent export</c>: rebuilds a saved model from its metadata and writes it as ONNX with a symbolic batch size.
/// The file holds the network only: standardization (for tabular data) stays in the model file's metadata.
/// </summary>
/// <example><code>descent export --model digits.safetensors --onnx digits.onnx</code></example>
public static class ExportCommand
{
    /// <summary>Builds the command; <paramref name="verbose"/> is the root's recursive <c>--verbose</c> flag.</summary>
    public static Command Create(Option<bool> verbose)
    {
        var model = CliOptions.ExistingFile("--model", "A model saved by `descent train --save` (or a --checkpoint file).");
        model.DefaultValueFactory = null;
        model.Required = true;
        var onnx = CliOptions.OutputFile("--onnx", "The ONNX file to write.");
        onnx.DefaultValueFactory = null;
        onnx.Required = true;
        var json = CliOptions.Flag("--json", "End stdout with one line of JSON describing the export.");
        var command = new Command("export", "Export a saved model to ONNX.") { model, onnx, json };
        command.SetAction(parse => CommandGuard.Run(parse, verbose, output =>
        {
            var (net, info) = ModelFile.Load(parse.GetValue(model)!);
            string path = parse.GetValue(onnx)!;
            int[] shape = [-1, .. info.InputShape];
            OnnxExport.Save(net, shape, path);
            long bytes = new FileInfo(path).Length;
            output.WriteLine($"wrote {path} ({bytes:N0} bytes): {info.Arch}, input '{OnnxExport.InputName}' [batch, {string.Join(", ", info.InputShape)}], " +
                             $"output '{OnnxExport.OutputName}' [batch, {info.Outputs}] ({(info.IsClassification ? "logits" : "values")}), opset {OnnxExport.Opset}");
            if (info.Scaling != null)
                output.WriteLine("note: standardize inputs first, (x - mean) / std with the 'standardize' values in the model file's metadata");
            if (parse.GetValue(json))
            {
                using var line = new JsonLine();
                line.String("model", parse.GetValue(model)).String("onnx", path).Number("bytes", bytes).Number("opset", OnnxExport.Opset)
                    .Number("outputs", info.Outputs).String("standardize", info.Scaling?.ToJson());
                line.Writer.WriteStartArray("input_shape");
                foreach (int d in shape) line.Writer.WriteNumberValue(d);
                line.Writer.WriteEndArray();
                output.WriteLine(line.ToString());
            }
            return 0;
        }));
        return command;
    }
}
