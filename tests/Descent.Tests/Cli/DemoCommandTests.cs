using System.Text.Json;
using Descent.Data;

namespace Descent.Tests.Cli;

/// <summary>
/// `descent demo --json` checked against numbers the test derives itself from the same data
/// (Synthetic.Line(50, 3, 8, 0.3) from a Generator with the demo's seed), never against copied outputs.
/// </summary>
public class DemoCommandTests
{
    private static (double[] X, double[] Y) Data(ulong seed, int n = 50)
    {
        var (x, y) = Synthetic.Line(n, 3f, 8f, 0.3f, new Generator(seed));
        return (x.ToArray().Select(v => (double)v).ToArray(), y.ToArray().Select(v => (double)v).ToArray());
    }

    private static double Mse(double[] x, double[] y, double a, double b) =>
        x.Zip(y, (xi, yi) => (a * xi + b - yi) * (a * xi + b - yi)).Average();

    private static (double A, double B) LeastSquares(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = x.Zip(y, (xi, yi) => (xi - mx) * (yi - my)).Sum();
        double sxx = x.Sum(xi => (xi - mx) * (xi - mx));
        return (sxy / sxx, my - sxy / sxx * mx);
    }

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    [Theory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    public void Json_losses_at_fixed_guesses_equal_the_mse_of_the_same_data(ulong seed)
    {
        var run = CliRunner.Run("demo", "--no-plots", "--seed", seed.ToString(), "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var json = run.Json();
        var (x, y) = Data(seed);
        // At (0, 0) the MSE is mean(y²).
        Assert.Equal(y.Average(v => v * v), D(json, "loss_at_0_0"), 3);
        Assert.Equal(Mse(x, y, 1, 1), D(json, "loss_at_1_1"), 3);
    }

    [Fact]
    public void Json_best_a_equals_b_is_the_grid_point_nearest_the_exact_minimum()
    {
        var json = CliRunner.Run("demo", "--no-plots", "--seed", "0", "--json").Json();
        var (x, y) = Data(0);
        // d/dc mean((c(x+1) − y)²) = 0 gives c = mean((x+1)y) / mean((x+1)²).
        double exact = x.Zip(y, (xi, yi) => (xi + 1) * yi).Sum() / x.Sum(xi => (xi + 1) * (xi + 1));
        Assert.InRange(D(json, "best_a_equals_b"), exact - 0.0051, exact + 0.0051);
        Assert.Equal(exact, D(json, "exact_best_a_equals_b"), 4);
        Assert.Equal(Mse(x, y, D(json, "best_a_equals_b"), D(json, "best_a_equals_b")), D(json, "best_a_equals_b_loss"), 3);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    public void Json_descent_ends_within_0_05_of_the_least_squares_line(ulong seed)
    {
        var json = CliRunner.Run("demo", "--no-plots", "--seed", seed.ToString(), "--json").Json();
        var (x, y) = Data(seed);
        var (a, b) = LeastSquares(x, y);
        Assert.Equal(a, D(json, "least_squares_a"), 5);
        Assert.Equal(b, D(json, "least_squares_b"), 5);
        Assert.Equal(Mse(x, y, a, b), D(json, "least_squares_loss"), 6);
        Assert.InRange(D(json, "a"), a - 0.05, a + 0.05);
        Assert.InRange(D(json, "b"), b - 0.05, b + 0.05);
        Assert.Equal("converges", json.GetProperty("outcome").GetString());
    }

    [Fact]
    public void Json_learning_rates_crawl_converge_and_diverge_as_their_losses_show()
    {
        var json = CliRunner.Run("demo", "--no-plots", "--seed", "0", "--json").Json();
        var (x, _) = Data(0);
        // H = 2·[[mean x², mean x], [mean x, 1]]; the largest stable rate is 2 / λmax(H).
        double m2 = x.Average(v => v * v), m1 = x.Average();
        double trace = 2 * (m2 + 1), det = 4 * (m2 - m1 * m1);
        double lambdaMax = trace / 2 + Math.Sqrt(trace * trace / 4 - det);
        Assert.Equal(2 / lambdaMax, D(json, "max_stable_lr"), 4);

        var rates = json.GetProperty("learning_rates").EnumerateArray().ToList();
        Assert.Equal(3, rates.Count);
        var small = rates.Single(r => D(r, "lr") < 0.1);
        var large = rates.Single(r => D(r, "lr") > 2 / lambdaMax);
        Assert.Equal("crawls", small.GetProperty("outcome").GetString());
        Assert.True(D(small, "final_loss") < D(small, "initial_loss"));
        Assert.True(D(small, "final_loss") > D(json, "least_squares_loss") * 1.01, "the small rate is still visibly short of the minimum");
        Assert.Equal("oscillates and diverges", large.GetProperty("outcome").GetString());
        Assert.True(D(large, "final_loss") > 1000 * D(large, "initial_loss"));
        Assert.True(D(large, "flip_fraction") > 0.9);
        Assert.Contains(rates, r => r.GetProperty("outcome").GetString() == "converges");
    }

    [Fact]
    public void Same_seed_gives_identical_json_and_another_seed_does_not()
    {
        string first = CliRunner.Run("demo", "--no-plots", "--seed", "5", "--json").Stdout;
        string again = CliRunner.Run("demo", "--no-plots", "--seed", "5", "--json").Stdout;
        string other = CliRunner.Run("demo", "--no-plots", "--seed", "6", "--json").Stdout;
        Assert.Equal(first, again);
        Assert.NotEqual(first.TrimEnd().Split('\n')[^1], other.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void Text_output_tells_the_story_and_json_is_only_added_with_the_flag()
    {
        var text = CliRunner.Run("demo", "--no-plots", "--seed", "0");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("a = 0, b = 0:  MSE =", text.Stdout);
        Assert.Contains("least squares", text.Stdout);
        Assert.Contains("oscillates and diverges", text.Stdout);
        Assert.DoesNotContain("{", text.Stdout);

        var json = CliRunner.Run("demo", "--no-plots", "--seed", "0", "--json");
        Assert.StartsWith(text.Stdout, json.Stdout);
    }

    [Fact]
    public void Options_change_the_run()
    {
        var json = CliRunner.Run("demo", "--no-plots", "--points", "20", "--steps", "7", "--lr", "0.25", "--json").Json();
        Assert.Equal(20, json.GetProperty("points").GetInt32());
        Assert.Equal(7, json.GetProperty("steps").GetInt32());
        Assert.Equal(0.25, D(json, "lr"));
        var (x, y) = Data(0, 20);
        Assert.Equal(y.Average(v => v * v), D(json, "loss_at_0_0"), 3);
        Assert.All(json.GetProperty("learning_rates").EnumerateArray(), r => Assert.True(r.GetProperty("steps").GetInt32() <= 7));
    }
}
