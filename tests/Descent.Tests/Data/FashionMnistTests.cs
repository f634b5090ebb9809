using Descent.Data;

namespace Descent.Tests.Data;

/// <summary>The Fashion-MNIST reader on small IDX .gz files written here, and on Debian's package files where installed.</summary>
public sealed class FashionMnistTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("descent-fashion-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Idx(int magic, int[] dims, byte[] values) => IdxFiles.Bytes(magic, dims, values);

    private void WriteGz(string name, byte[] bytes) => IdxFiles.WriteGz(Path.Combine(_folder, name), bytes);

    // n images whose pixel values are the image's index, labels 9, 8, 7, ...
    private void WriteSet(string prefix, int n, int? labels = null)
    {
        var pixels = new byte[n * 784];
        for (int i = 0; i < n; i++) pixels.AsSpan(i * 784, 784).Fill((byte)(i * 50));
        WriteGz($"{prefix}-images-idx3-ubyte.gz", Idx(0x803, [n, 28, 28], pixels));
        int m = labels ?? n;
        WriteGz($"{prefix}-labels-idx1-ubyte.gz", Idx(0x801, [m], [.. Enumerable.Range(0, m).Select(i => (byte)(9 - i % 10))]));
    }

    [Fact]
    public void Reads_the_four_files_as_images_and_labels_with_their_class_names()
    {
        WriteSet("train", 3);
        WriteSet("t10k", 2);
        var train = FashionMnist.Load(_folder, train: true, asImages: true);
        var test = FashionMnist.Load(_folder, train: false);
        Assert.Equal(new[] { 3, 1, 28, 28 }, train.Inputs.Shape);
        Assert.Equal(new[] { 2, 784 }, test.Inputs.Shape);
        Assert.Equal(new[] { 9f, 8f, 7f }, train.Targets.ToArray());
        Assert.Equal(100 / 255f, train.Inputs.At(2, 0, 5, 5), 6);
        Assert.Equal("Ankle boot", FashionMnist.Classes[(int)train.Targets.At(0)]);
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], FashionMnist.Classes);
    }

    [Fact]
    public void Find_takes_the_data_dir_or_its_fashion_mnist_subfolder_and_needs_all_four_files()
    {
        WriteSet("train", 1);
        Assert.Null(FashionMnist.Find(_folder));
        WriteSet("t10k", 1);
        Assert.Equal(Path.GetFullPath(_folder), FashionMnist.Find(_folder));
        var sub = Directory.CreateDirectory(Path.Combine(_folder, "fashion-mnist")).FullName;
        foreach (var f in FashionMnist.Files) File.Copy(Path.Combine(_folder, f), Path.Combine(sub, f));
        Assert.Equal(sub, FashionMnist.Find(_folder));
    }

    [Fact]
    public void Bad_magic_is_refused_naming_the_file_and_offset()
    {
        WriteSet("train", 1);
        WriteGz("train-images-idx3-ubyte.gz", [0x12, 0x34, 0x08, 0x03, 0, 0, 0, 0]);
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_folder));
        Assert.EndsWith("train-images-idx3-ubyte.gz", e.File);
        Assert.Equal(0, e.Offset);
        Assert.Contains("bad magic number", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_the_file_and_offset()
    {
        var whole = Idx(0x803, [2, 28, 28], new byte[2 * 784]);
        WriteGz("train-images-idx3-ubyte.gz", whole[..1000]);
        WriteGz("train-labels-idx1-ubyte.gz", Idx(0x801, [2], [1, 2]));
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_folder));
        Assert.EndsWith("train-images-idx3-ubyte.gz", e.File);
        Assert.Equal(16, e.Offset);
        Assert.Contains("header promises 2x28x28 = 1568 values but the file holds 984", e.Message);
        WriteGz("train-images-idx3-ubyte.gz", whole[..10]);
        Assert.Contains("ends inside the header", Assert.Throws<DataFormatException>(() => FashionMnist.Load(_folder)).Message);
    }

    [Fact]
    public void Images_and_labels_of_different_counts_are_refused_naming_the_labels_file()
    {
        WriteSet("train", 3, labels: 2);
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_folder));
        Assert.EndsWith("train-labels-idx1-ubyte.gz", e.File);
        Assert.Contains("2 labels for 3 images", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_and_a_missing_folder_are_refused_with_what_to_do()
    {
        WriteSet("train", 1);
        // A gzip header, then a deflate block of the reserved type 3.
        File.WriteAllBytes(Path.Combine(_folder, "train-images-idx3-ubyte.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_folder));
        Assert.EndsWith("train-images-idx3-ubyte.gz", e.File);
        Assert.Contains("corrupt gzip data", e.Message);
        var missing = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(Path.Combine(_folder, "nope")));
        Assert.Contains("apt install dataset-fashion-mnist", missing.Message);
    }

    [FashionMnistPackageFact]
    public void The_package_files_hold_60000_and_10000_images_whose_first_labels_are_ankle_boots()
    {
        string system = FashionMnistPackageFactAttribute.Folder;
        var train = FashionMnist.Load(system, train: true, asImages: true);
        var test = FashionMnist.Load(system, train: false, asImages: true);
        Assert.Equal((60000, 10000), (train.Count, test.Count));
        Assert.Equal(9f, train.Targets.At(0));
        Assert.Equal(9f, test.Targets.At(0));
        Assert.Equal("Ankle boot", FashionMnist.Classes[9]);
        // Balanced: 6,000 of each class in training, 1,000 in test.
        Assert.All(train.Targets.ToArray().GroupBy(t => t), g => Assert.Equal(6000, g.Count()));
        Assert.All(test.Targets.ToArray().GroupBy(t => t), g => Assert.Equal(1000, g.Count()));
    }
}

/// <summary>A test of Debian's <c>dataset-fashion-mnist</c> files, skipped where the package is not installed, except under CI=true (<c>.ci/run</c> installs it).</summary>
public sealed class FashionMnistPackageFactAttribute : FactAttribute
{
    public static string Folder => Path.Combine(DataFolders.SystemDatasets, FashionMnist.FolderName);

    public FashionMnistPackageFactAttribute()
    {
        // Under CI (.ci/run installs the package) a missing file fails the test instead: a skip there would prove nothing.
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!ci && !FashionMnist.Files.All(f => File.Exists(Path.Combine(Folder, f))))
            Skip = $"{FashionMnist.Package} is not installed ({Folder}); apt install {FashionMnist.Package}";
    }
}
