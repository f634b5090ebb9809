using Descent.Cli.Demo;
using Descent.Data;

namespace Descent.Tests.Docs;

// The folder namespace Descent.Tests.Autograd would hide the Autograd class here; a user's code sees it directly.
using Autograd = Descent.Autograd;
using Descent.Tutorial;

/// <summary>The README's C# example, compiled and run here; a second test keeps the two copies identical.</summary>
public class ReadmeExampleTests
{
    // Keep this body identical to the README's code block (between the usings and Console.WriteLine).
    private const string Body = """
        var (x, y) = Synthetic.Line(50, slope: 3f, intercept: 8f, noise: 0.3f, new Generator(0));
        var a = Tensor.Scalar(0f).RequireGrad();
        var b = Tensor.Scalar(0f).RequireGrad();
        const float lr = 0.5f;
        for (int step = 0; step < 300; step++)
        {
            var loss = (a * x + b - y).Square().Mean();   // forward pass and MSE
            loss.Backward();                               // fills a.Grad and b.Grad
            using (Autograd.NoGrad())                      // the update itself is not recorded
            {
                a.SubInPlace(a.Grad! * lr);
                b.SubInPlace(b.Grad! * lr);
            }
            a.ZeroGrad();                                  // gradients add up until cleared
            b.ZeroGrad();
        }
        """;

    [Fact]
    public void Readme_loop_reaches_the_least_squares_line()
    {
        var (x, y) = Synthetic.Line(50, slope: 3f, intercept: 8f, noise: 0.3f, new Generator(0));
        var a = Tensor.Scalar(0f).RequireGrad();
        var b = Tensor.Scalar(0f).RequireGrad();
        const float lr = 0.5f;
        for (int step = 0; step < 300; step++)
        {
            var loss = (a * x + b - y).Square().Mean();   // forward pass and MSE
            loss.Backward();                               // fills a.Grad and b.Grad
            using (Autograd.NoGrad())                      // the update itself is not recorded
            {
                a.SubInPlace(a.Grad! * lr);
                b.SubInPlace(b.Grad! * lr);
            }
            a.ZeroGrad();                                  // gradients add up until cleared
            b.ZeroGrad();
        }

        var theory = LineTheory.Of(x.Data, y.Data, 3, 8, 0.3);
        Assert.InRange(a.Item(), theory.LeastSquaresA - 0.05, theory.LeastSquaresA + 0.05);
        Assert.InRange(b.Item(), theory.LeastSquaresB - 0.05, theory.LeastSquaresB + 0.05);
        Assert.Equal(0f, a.Grad!.Item());
    }

    [Fact]
    public void Readme_code_block_matches_the_tested_copy()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        int start = readme.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no ```csharp block");
        int end = readme.IndexOf("```", start + 10, StringComparison.Ordinal);
        var lines = readme[(start + 10)..end].Split('\n')
            .Where(l => !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("Console.", StringComparison.Ordinal))
            .Select(l => l.TrimEnd())
            .Where(l => l.Length > 0);
        var expected = Body.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0);
        Assert.Equal(expected, lines);
    }
}
