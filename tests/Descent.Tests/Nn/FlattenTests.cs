using Descent.Nn;

namespace Descent.Tests.Nn;

public class FlattenTests
{
    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, 1, -1, new[] { 2, 60 })]
    [InlineData(new[] { 2, 3, 4, 5 }, 2, 3, new[] { 2, 3, 20 })]
    [InlineData(new[] { 2, 3, 4, 5 }, 0, 1, new[] { 6, 4, 5 })]
    [InlineData(new[] { 7, 1 }, 1, -1, new[] { 7, 1 })]
    [InlineData(new[] { 1, 1, 1 }, 1, -1, new[] { 1, 1 })]
    public void Merges_the_chosen_dimensions_keeping_the_order_of_elements(int[] shape, int start, int end, int[] expected)
    {
        var x = Tensor.Arange(Shape.Numel(shape)).Reshape(shape);
        var y = new Flatten(start, end).Forward(x);
        Assert.Equal(expected, y.Shape);
        Assert.Equal(x.ToArray(), y.ToArray());
    }

    [Fact]
    public void Gradient_flows_back_in_the_input_shape() =>
        ModuleGradCheck.Assert(new Flatten(), Tensor.Randn([2, 3, 1, 2], new Generator(1)));

    [Fact]
    public void Default_flatten_of_a_one_dimensional_input_is_an_error_naming_flatten()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Flatten().Forward(Tensor.Zeros(4)));
        Assert.StartsWith("Flatten", e.Message);
    }
}
