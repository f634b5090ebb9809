using Descent.Data;
using Descent.IO;
using Descent.Nn;
using Descent.Training;

namespace Descent.Tests.Training;

public class LmModelFileTests : IDisposable
{
    private readonly string _dir = TrainingKit.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveThenLoad_RebuildsTheModelAndTheTokenizer()
    {
        var tokenizer = CharTokenizer.FromText(LmTrainerTests.Text);
        var trainer = LmTrainer.FromText(LmTrainerTests.Text, tokenizer, LmTrainerTests.Tiny with { Dropout = 0.25f });
        for (int i = 0; i < 3; i++) trainer.Step();
        var path = Path.Combine(_dir, "lm.safetensors");
        LmModelFile.Save(path, trainer.Model, tokenizer);

        var (model, loaded) = LmModelFile.Load(path);
        Assert.Equal(trainer.Model.Config, model.Config);
        Assert.Equal(tokenizer.ToJson(), loaded.ToJson());
        Assert.False(model.Training);
        var prompt = tokenizer.Encode("call me ");
        var expected = trainer.Model.Generate(prompt, 40, 0.8f, 5, new Generator(3));
        Assert.Equal(expected.ToArray(), model.Generate(prompt, 40, 0.8f, 5, new Generator(3)).ToArray());
        Assert.Equal(trainer.Model.StateDict().Values.SelectMany(t => t.ToArray()), model.StateDict().Values.SelectMany(t => t.ToArray()));
    }

    [Fact]
    public void AFileWithoutTokenizer_NamesTheFileAndTheKey()
    {
        var model = new Gpt(new GptConfig(5, BlockSize: 4, Layers: 1, Heads: 1, Width: 4), new Generator(1));
        var path = Path.Combine(_dir, "plain.safetensors");
        Safetensors.Save(path, model.StateDict(), new Dictionary<string, string> { [LmModelFile.ConfigKey] = LmModelFile.ConfigJson(model.Config) });
        var e = Assert.Throws<DataFormatException>(() => LmModelFile.Load(path));
        Assert.Equal("plain.safetensors: metadata 'tokenizer': missing: this model file holds no tokenizer (a language model is saved with its tokenizer)", e.Message);
    }

    [Fact]
    public void AFileWithoutConfig_OrWithTheWrongVocabulary_IsRefused()
    {
        var model = new Gpt(new GptConfig(5, BlockSize: 4, Layers: 1, Heads: 1, Width: 4), new Generator(1));
        var path = Path.Combine(_dir, "noconfig.safetensors");
        Safetensors.Save(path, model.StateDict(), new Dictionary<string, string> { [Tokenizer.MetadataKey] = CharTokenizer.FromText("abcde").ToJson() });
        var e = Assert.Throws<DataFormatException>(() => LmModelFile.Load(path));
        Assert.StartsWith("noconfig.safetensors: metadata 'gpt_config': missing", e.Message);

        var save = Assert.Throws<ArgumentException>(() => LmModelFile.Save(path, model, new ByteTokenizer()));
        Assert.Equal("LmModelFile.Save: the tokenizer has 256 ids but the model's vocabulary is 5", save.Message);
    }
}
