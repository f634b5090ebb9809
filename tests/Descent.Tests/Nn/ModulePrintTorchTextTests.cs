namespace Descent.Tests.Nn;

/// <summary>
/// Every kind of module prints what PyTorch 1.13's <c>repr</c> printed for the same construction, kept in
/// <c>tests/interop/print_models.txt</c> so the check runs without torch; <c>ModulePrintTorchTests</c> asks a live torch.
/// </summary>
public class ModulePrintTorchTextTests
{
    private static readonly Lazy<Dictionary<string, string>> Torch = new(() =>
        PrintCases.Parse(File.ReadAllText(Path.Combine(TestData.RepoRoot, "tests", "interop", "print_models.txt"))));

    [Theory, MemberData(nameof(PrintCases.Names), MemberType = typeof(PrintCases))]
    public void Model_prints_as_torch_printed_it(string name)
    {
        Assert.True(Torch.Value.ContainsKey(name), $"print_models.txt has no model \"{name}\"; rerun tests/interop/print_models.py");
        Assert.Equal(Torch.Value[name], PrintCases.All[name]().ToString());
    }

    [Fact]
    public void Every_case_in_the_file_is_built_here() => Assert.Equal(Torch.Value.Keys.Order(), PrintCases.All.Keys.Order());
}
