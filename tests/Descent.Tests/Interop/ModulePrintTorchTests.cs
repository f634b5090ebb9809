using Descent.Tests.Nn;

namespace Descent.Tests.Interop;

/// <summary>
/// Descent prints each model of <see cref="PrintCases"/> exactly as a live PyTorch prints its twin
/// (<c>tests/interop/print_models.py</c>), and the stored <c>tests/interop/print_models.txt</c> is what torch prints today.
/// </summary>
public sealed class ModulePrintTorchTests
{
    private static readonly Lazy<string> Printed = new(() =>
    {
        TorchPython.Require();
        return TorchPython.Run(Path.Combine(TestData.RepoRoot, "tests", "interop"), TimeSpan.FromMinutes(2), TorchPython.Script("print_models.py"));
    });

    [TorchTheory, MemberData(nameof(PrintCases.Names), MemberType = typeof(PrintCases))]
    public void Model_prints_as_a_live_torch_prints_its_twin(string name)
    {
        var torch = PrintCases.Parse(Printed.Value);
        Assert.True(torch.ContainsKey(name), $"print_models.py printed no model \"{name}\"");
        Assert.Equal(torch[name], PrintCases.All[name]().ToString());
    }

    [TorchTheory, InlineData("print_models.txt")]
    public void The_stored_printing_is_what_torch_prints(string file) =>
        Assert.Equal(Printed.Value.ReplaceLineEndings("\n").TrimEnd('\n'),
            File.ReadAllText(Path.Combine(TestData.RepoRoot, "tests", "interop", file)).ReplaceLineEndings("\n").TrimEnd('\n'));
}
