using Descent.Nn;

namespace Descent.Tests.Nn;

/// <summary>Printing a model as PyTorch's <c>repr</c> does, and a Keras-like summary of its layers.</summary>
public class ModulePrintTests
{
    [Fact]
    public void Sequential_prints_as_pytorch_repr()
    {
        var model = new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Dropout(0.2f), new Linear(256, 10, bias: false));
        // torch: print(nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10, bias=False)))
        Assert.Equal("""
            Sequential(
              (0): Flatten(start_dim=1, end_dim=-1)
              (1): Linear(in_features=784, out_features=256, bias=True)
              (2): ReLU()
              (3): Dropout(p=0.2, inplace=False)
              (4): Linear(in_features=256, out_features=10, bias=False)
            )
            """.ReplaceLineEndings("\n"), model.ToString());
    }

    [Fact]
    public void Nested_modules_indent_two_spaces_per_level()
    {
        var model = new Sequential(new Sequential(new Conv2d(1, 8, 3, padding: 1), new BatchNorm2d(8)), new LayerNorm(4), new Softmax(-1));
        Assert.Equal("""
            Sequential(
              (0): Sequential(
                (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
              )
              (1): LayerNorm((4,), eps=1e-05, elementwise_affine=True)
              (2): Softmax(dim=-1)
            )
            """.ReplaceLineEndings("\n"), model.ToString());
    }

    [Fact]
    public void Layers_print_their_settings_as_torch_s_extra_repr()
    {
        // torch: repr(nn.Conv2d(1, 16, 3, padding=1)), repr(nn.LSTM(10, 20, num_layers=2, batch_first=True)), ...
        Assert.Equal("Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", new Conv2d(1, 16, 3, padding: 1).ToString());
        Assert.Equal("LSTM(10, 20, num_layers=2, batch_first=True)", new LSTM(10, 20, numLayers: 2, batchFirst: true).ToString());
        Assert.Equal("GELU(approximate='tanh')", new GELU("tanh").ToString());
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).ToString());
        Assert.Equal("Embedding(10, 3, max_norm=1.0, norm_type=1.0)", new Embedding(10, 3, maxNorm: 1, normType: 1).ToString());
    }

    [Fact]
    public void RMSNorm_prints_as_torch_2_4_does()
    {
        // torch >= 2.4 (the oracle here, 1.13, has no RMSNorm): "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}".
        Assert.Equal("RMSNorm((64,), eps=None, elementwise_affine=True)", new RMSNorm(64).ToString());
        Assert.Equal("RMSNorm((2, 3), eps=1e-06, elementwise_affine=False)", new RMSNorm([2, 3], 1e-6f, elementwiseAffine: false).ToString());
    }

    [Fact]
    public void Empty_container_prints_empty_parentheses() => Assert.Equal("Sequential()", new Sequential().ToString());

    [Fact]
    public void LoadStateDict_result_prints_its_keys()
    {
        var model = new Linear(2, 3);
        var all = model.LoadStateDict(model.StateDict());
        Assert.Equal("<All keys matched successfully>", all.ToString());
        var state = model.StateDict();
        state.Remove("bias");
        state.Add("scale", Tensor.Ones(1));
        var partial = model.LoadStateDict(state, strict: false);
        Assert.Equal("LoadStateDictResult(missing_keys=[bias], unexpected_keys=[scale])", partial.ToString());
    }

    [Fact]
    public void Summary_lists_output_shapes_and_parameters_per_layer()
    {
        var model = new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 10));
        model.Train();
        var summary = model.Summary(2, 1, 28, 28);
        Assert.Equal(["0", "1", "2", "3"], summary.Rows.Select(r => r.Name));
        Assert.Equal(["Flatten", "Linear", "ReLU", "Linear"], summary.Rows.Select(r => r.Type));
        Assert.Equal(new[] { new[] { 2, 784 }, [2, 256], [2, 256], [2, 10] }, summary.Rows.Select(r => r.OutputShape));
        // 784·256 + 256 and 256·10 + 10, by hand.
        Assert.Equal(new long[] { 0, 200_960, 0, 2_570 }, summary.Rows.Select(r => r.Parameters));
        Assert.Equal(203_530, summary.TotalParameters);
        Assert.Equal(0, summary.FrozenParameters);
        Assert.True(model.Training);
        string text = summary.ToString();
        Assert.Contains("1 (Linear)", text);
        Assert.Contains("[2, 256]", text);
        Assert.Contains("200,960", text);
        Assert.Contains("Total params: 203,530", text);
        Assert.Contains("Non-trainable params: 0", text);
    }

    [Fact]
    public void Summary_counts_frozen_parameters_and_shows_nested_chains_by_dotted_name()
    {
        var inner = new Sequential(new Linear(3, 4), new ReLU());
        var model = new Sequential(inner, new Linear(4, 2));
        inner.Parameters().First().RequiresGrad = false;
        var summary = model.Summary(5, 3);
        Assert.Equal(["0.0", "0.1", "1"], summary.Rows.Select(r => r.Name));
        Assert.Equal(12, summary.FrozenParameters);
        Assert.Equal(4 + 10, summary.TrainableParameters);
        Assert.Equal(new[] { 5, 2 }, summary.OutputShape);
    }

    [Fact]
    public void Summary_of_a_wrong_input_shape_names_the_layer_that_refused_it()
    {
        var model = new Sequential(new Linear(3, 4));
        var e = Assert.Throws<ArgumentException>(() => model.Summary(2, 5));
        Assert.Contains("[2, 5]", e.Message);
        Assert.Throws<ArgumentException>(() => model.Summary());
    }
}
