using Descent.Nn;
using Descent.Training;

namespace Descent.Tests.Training;

/// <summary>A model trained in code, saved with a description and rebuilt from it by one call.</summary>
public class ModelFileTests
{
    [Fact]
    public void Classifier_description_rebuilds_the_model_with_its_weights()
    {
        string path = Path.Combine(Path.GetTempPath(), "descent-modelfile-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            var model = ModelSpec.Parse("cnn:4,8").Build([1, 8, 8], 3, init: new Generator(5));
            ModelFile.Save(path, model, ModelInfo.Classifier("cnn:4,8", [1, 8, 8], classes: 3, classNames: ["a", "b", "c"]));
            var (loaded, info) = ModelFile.Load(path);
            Assert.Equal(model.ToString(), loaded.ToString());
            Assert.False(loaded.Training);
            Assert.Equal("c", info.ClassName(2));
            var x = Tensor.Randn([2, 1, 8, 8], new Generator(6));
            using (Descent.Autograd.NoGrad()) Assert.Equal(model.Eval().Forward(x).ToArray(), loaded.Forward(x).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Classifier_description_is_checked_as_a_file_would_be()
    {
        Assert.Contains("metadata 'arch'", Assert.Throws<FormatException>(() => ModelInfo.Classifier("rnn", [4], 3)).Message);
        Assert.Contains("metadata 'classes'", Assert.Throws<FormatException>(() => ModelInfo.Classifier("mlp", [4], 1)).Message);
        Assert.Contains("metadata 'class_names'", Assert.Throws<FormatException>(() => ModelInfo.Classifier("mlp", [4], 3, classNames: ["a"])).Message);
        Assert.Contains("metadata 'data'", Assert.Throws<FormatException>(() => ModelInfo.Classifier("mlp", [4], 3, data: "/etc/passwd")).Message);
    }
}
