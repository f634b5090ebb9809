using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>The CLI's model specs as library API: parsed, counted and built in code.</summary>
public class ModelSpecTests
{
    [Theory]
    [InlineData("mlp", "mlp:256,128")]
    [InlineData("cnn", "cnn:16,32,128")]
    [InlineData("cnn-bn", "cnn-bn:32,64,128")]
    [InlineData("cnn-bn:8,16", "cnn-bn:8,16")]
    [InlineData("mlp:64", "mlp:64")]
    [InlineData("linear", "linear")]
    public void Parse_round_trips_its_text(string text, string expected) => Assert.Equal(expected, ModelSpec.Parse(text).ToString());

    [Fact]
    public void Built_model_has_the_counted_parameters_and_output_shape()
    {
        foreach (var (text, shape) in new[] { ("mlp:256,128", new[] { 784 }), ("cnn:16,32,128", new[] { 1, 28, 28 }), ("cnn-bn:8,16,32", new[] { 1, 28, 28 }), ("cnn-bn:4,8", new[] { 3, 9, 10 }), ("linear", new[] { 4 }) })
        {
            var spec = ModelSpec.Parse(text);
            var model = spec.Build(shape, 10);
            Assert.Equal(spec.ParameterCount(shape, 10), (Int128)model.Parameters().Sum(p => (long)p.Numel));
            Assert.Equal(new[] { 3, 10 }, model.Summary([3, .. shape]).OutputShape);
        }
    }

    [Fact]
    public void Mlp_builds_the_layers_its_text_names()
    {
        var model = ModelSpec.Parse("mlp:8").Build([1, 2, 2], 3, dropout: 0.5f);
        Assert.Equal(["Flatten", "Linear", "ReLU", "Dropout", "Linear"], model.Select(m => m.GetType().Name));
    }

    [Fact]
    public void Cnn_bn_puts_batch_norm_between_each_bias_free_convolution_and_its_relu()
    {
        var model = ModelSpec.Parse("cnn-bn:4,8,16").Build([1, 8, 8], 3, dropout: 0.25f);
        Assert.Equal(["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Dropout", "Linear"],
            model.Select(m => m.GetType().Name));
        Assert.DoesNotContain("0.bias", model.StateDict().Keys);
        Assert.Contains("1.running_mean", model.StateDict().Keys);
        Assert.True(ModelSpec.Parse("cnn-bn").IsConvolutional);
    }

    [Fact]
    public void Bad_text_and_shapes_are_refused_naming_the_fault()
    {
        Assert.Contains("unknown model 'rnn'", Assert.Throws<FormatException>(() => ModelSpec.Parse("rnn")).Message);
        Assert.Contains("cnn takes two channel counts", Assert.Throws<FormatException>(() => ModelSpec.Parse("cnn:8")).Message);
        Assert.Contains("cnn-bn takes two channel counts", Assert.Throws<FormatException>(() => ModelSpec.Parse("cnn-bn:8,8,8,8")).Message);
        var e = Assert.Throws<ArgumentException>(() => ModelSpec.Parse("mlp").Build([784, 0], 10));
        Assert.Contains("[784, 0]", e.Message);
        Assert.Contains("needs image inputs", Assert.Throws<ArgumentException>(() => ModelSpec.Parse("cnn").Build([784], 10)).Message);
    }
}
