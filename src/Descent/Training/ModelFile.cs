using Descent.Data;
using Descent.IO;
using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// A trained model on disk, as <c>descent train --save</c> (or <c>--checkpoint</c>) writes it: a plain safetensors state dict whose <c>__metadata__</c> describes the model
/// (<see cref="ModelInfo"/>), or a full training checkpoint whose <c>architecture</c> holds the same description.
/// </summary>
/// <example><code>
/// ModelFile.Save("digits.safetensors", model, ModelInfo.Classifier("mlp:256,128", [784], classes: 10));
/// var (model, info) = ModelFile.Load("digits.safetensors");   // rebuilt from its metadata
/// </code></example>
public static class ModelFile
{
    /// <summary>Writes the model's weights and its description, atomically.</summary>
    public static void Save(string path, Module model, ModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        Safetensors.Save(path, model.StateDict(), info.ToMetadata());
    }

    /// <summary>
    /// Rebuilds the model described in <paramref name="path"/> and loads its weights, in evaluation mode.
    /// Throws naming the file: not found, not safetensors, no description, or weights that do not fit it.
    /// The file is read up to its real size (<see cref="FileBytes"/>), so a device or an endless pipe fails at once.
    /// </summary>
    public static (Sequential Model, ModelInfo Info) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(FileBytes.Read(path, FileBytes.MaxBytes), Path.GetFileName(path));
    }

    /// <summary>
    /// Rebuilds the model held in <paramref name="bytes"/>; <paramref name="name"/> names the file in errors. The
    /// description is checked entry by entry (<see cref="ModelInfo.FromMetadata"/>) and against the weights the file
    /// holds before any layer is built, so no entry can make the reader allocate more than the file's own size.
    /// </summary>
    public static (Sequential Model, ModelInfo Info) Parse(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(name);
        var (tensors, metadata) = Safetensors.Parse(bytes, name);
        OrderedDictionary<string, Tensor> state;
        ModelInfo info;
        if (metadata.ContainsKey("format"))
        {
            var checkpoint = Checkpoint.Parse(bytes, name);
            if (checkpoint.Architecture == null)
                throw new FormatException($"{name}: the checkpoint has no 'architecture'; was it written by `descent train --checkpoint`?");
            info = ModelInfo.FromJson(checkpoint.Architecture, name);
            state = checkpoint.Model;
        }
        else
        {
            info = ModelInfo.FromMetadata(metadata, name);
            state = tensors;
        }
        ModelSpec spec;
        try
        {
            spec = ModelSpec.Parse(info.Arch);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{name}: metadata 'arch': {e.Message}", e);
        }
        Sequential model;
        try
        {
            Int128 needed = spec.ParameterCount(info.InputShape, info.Outputs);
            long held = state.Values.Sum(t => (long)t.Numel);
            if (needed != held)
                throw new FormatException($"{name}: metadata 'arch', 'input_shape' and 'classes' describe {info.Arch} for inputs {Shape.Format(info.InputShape)} "
                    + $"with {info.Outputs} outputs, {needed} weights, but the file holds {held}");
            model = spec.Build(info.InputShape, info.Outputs, info.Dropout, new Generator(0), new Generator(0));
            model.LoadStateDict(state);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{name}: the weights do not fit {info.Arch} for inputs {Shape.Format(info.InputShape)}: {e.Message}", e);
        }
        model.Eval();
        return (model, info);
    }
}
