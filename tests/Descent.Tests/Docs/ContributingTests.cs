using System.Text.RegularExpressions;

namespace Descent.Tests.Docs;

/// <summary>
/// CONTRIBUTING.md is the next engineer's map: every path it names in backticks must exist, every room it
/// draws must be a folder, and the README must link to it.
/// </summary>
public partial class ContributingTests
{
    [GeneratedRegex(@"`((?:src|tests|bench|lessons)/[^`\s]*)`")]
    private static partial Regex RepoPath();

    private static string Contributing => File.ReadAllText(Path.Combine(TestData.RepoRoot, "CONTRIBUTING.md"));

    [Fact]
    public void Every_path_it_names_exists()
    {
        var paths = RepoPath().Matches(Contributing).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(paths.Count >= 30, $"CONTRIBUTING.md names only {paths.Count} paths; the pattern may have stopped matching");
        var missing = paths.Where(p => !File.Exists(Path.Combine(TestData.RepoRoot, p)) && !Directory.Exists(Path.Combine(TestData.RepoRoot, p))).ToList();
        Assert.True(missing.Count == 0, $"CONTRIBUTING.md names paths that do not exist: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_folder_of_the_library_is_on_the_map()
    {
        string text = Contributing;
        var library = Path.Combine(TestData.RepoRoot, "src", "Descent");
        var unmapped = Directory.GetDirectories(library)
            .Select(d => Path.GetFileName(d))
            .Where(name => name is not ("bin" or "obj"))
            .Where(name => !text.Contains($"`src/Descent/{name}/`", StringComparison.Ordinal))
            .ToList();
        Assert.True(unmapped.Count == 0, $"folders of src/Descent missing from CONTRIBUTING.md's room table: {string.Join(", ", unmapped)}");
    }

    [Fact]
    public void The_readme_links_to_it()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        Assert.Contains("(CONTRIBUTING.md)", readme);
    }
}
