using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Data;
using Descent.IO;
using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// A trained language model in one safetensors file: the <see cref="Gpt"/>'s state dict (PyTorch's names, so
/// <c>safetensors.torch.load_file</c> gives a state dict for the module in <see cref="Gpt"/>'s summary) and, in the
/// metadata, <c>format</c> = <see cref="FormatName"/>, <c>gpt_config</c> (the <see cref="GptConfig"/> as JSON) and
/// <c>tokenizer</c> (<see cref="Tokenizer.ToJson"/>). <see cref="Load"/> rebuilds both in one call; the file is
/// written atomically.
/// </summary>
/// <example><code>
/// LmModelFile.Save("moby.safetensors", trainer.Model, tokenizer);
/// var (model, tok) = LmModelFile.Load("moby.safetensors");
/// Console.WriteLine(tok.Decode(model.Generate(tok.Encode("Call me "), 200, 0.8f, 40, new Generator(1)).Data));
/// </code></example>
public static class LmModelFile
{
    /// <summary>The value of the <c>format</c> metadata entry.</summary>
    public const string FormatName = "descent.gpt.v1";

    /// <summary>The metadata entry that holds the model's <see cref="GptConfig"/>.</summary>
    public const string ConfigKey = "gpt_config";

    /// <summary>Writes the model and its tokenizer to <paramref name="path"/>; their vocabularies must agree.</summary>
    public static void Save(string path, Gpt model, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabSize != model.Config.VocabSize)
            throw new ArgumentException($"LmModelFile.Save: the tokenizer has {tokenizer.VocabSize} ids but the model's vocabulary is {model.Config.VocabSize}");
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            [ConfigKey] = ConfigJson(model.Config),
            [Tokenizer.MetadataKey] = tokenizer.ToJson(),
        };
        Safetensors.Save(path, model.StateDict(), metadata);
    }

    /// <summary>
    /// Reads a file written by <see cref="Save"/>: the model (in eval mode) and its tokenizer. A file without a
    /// tokenizer or config, or whose weights do not fit the config, is a <see cref="DataFormatException"/> naming
    /// the file and the key.
    /// </summary>
    public static (Gpt Model, Tokenizer Tokenizer) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{Path.GetFileName(path)}: file not found ('{Path.GetFullPath(path)}')", path);
        var (tensors, metadata) = Safetensors.Load(path);
        var tokenizer = Tokenizer.FromMetadata(metadata, path);
        if (!metadata.TryGetValue(ConfigKey, out var json))
            throw new DataFormatException(path, $"metadata '{ConfigKey}'", null, "missing: this file holds no GPT configuration (is it a model saved by `descent lm train --save`?)");
        GptConfig config;
        try
        {
            config = ParseConfig(json);
            config.Validate();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or JsonException or InvalidOperationException)
        {
            throw new DataFormatException(path, $"metadata '{ConfigKey}'", null, e.Message, e);
        }
        if (config.VocabSize != tokenizer.VocabSize)
            throw new DataFormatException(path, $"metadata '{ConfigKey}'", null, $"vocab_size {config.VocabSize} differs from the tokenizer's {tokenizer.VocabSize} ids");
        var model = new Gpt(config, new Generator(0));
        try
        {
            model.LoadStateDict(tensors);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, "tensors", null, e.Message, e);
        }
        model.Eval();
        return (model, tokenizer);
    }

    /// <summary>The config as the metadata stores it: <c>{"vocab_size", "block_size", "layers", "heads", "width", "dropout"}</c>.</summary>
    public static string ConfigJson(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("vocab_size", config.VocabSize);
            w.WriteNumber("block_size", config.BlockSize);
            w.WriteNumber("layers", config.Layers);
            w.WriteNumber("heads", config.Heads);
            w.WriteNumber("width", config.Width);
            w.WriteString("dropout", config.Dropout.ToString("R", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static GptConfig ParseConfig(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"expected a JSON object; got {root.ValueKind}");
        int Whole(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n)
            ? n : throw new FormatException($"'{key}' is missing or not a whole number");
        if (!root.TryGetProperty("dropout", out var d) || d.ValueKind != JsonValueKind.String
            || !float.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out float dropout))
            throw new FormatException("'dropout' is missing or not a number written as a string");
        return new GptConfig(Whole("vocab_size"), Whole("block_size"), Whole("layers"), Whole("heads"), Whole("width"), dropout);
    }
}
