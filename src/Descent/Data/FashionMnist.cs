namespace Descent.Data;

/// <summary>
/// Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28×28 grey levels in ten classes,
/// as the four official IDX <c>.gz</c> files (<c>train-images-idx3-ubyte.gz</c> and so on) that Debian's package
/// <c>dataset-fashion-mnist</c> installs under <c>/usr/share/datasets/fashion-mnist/</c> (MIT licence). The files
/// are read with MNIST's IDX reader, under the same size caps; inputs are [N, 784] floats in [0, 1] (or
/// [N, 1, 28, 28] with <c>asImages</c>), targets class indices into <see cref="Classes"/>.
/// </summary>
/// <example><code>
/// string folder = FashionMnist.Find() ?? throw new FileNotFoundException(FashionMnist.Advice);
/// var train = FashionMnist.Load(folder, train: true, asImages: true);   // 60,000 images
/// Console.WriteLine(FashionMnist.Classes[(int)train.Targets.At(0)]);    // Ankle boot
/// </code></example>
public static class FashionMnist
{
    /// <summary>The folder name the files live in, under <see cref="DataFolders.SystemDatasets"/> and optionally under a data folder.</summary>
    public const string FolderName = "fashion-mnist";

    /// <summary>Debian's package that installs the files.</summary>
    public const string Package = "dataset-fashion-mnist";

    /// <summary>The four files, as Zalando distributes them.</summary>
    public static readonly IReadOnlyList<string> Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>The class names, in label order, as Zalando's README lists them.</summary>
    public static readonly IReadOnlyList<string> Classes =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>What to do when the files are nowhere: one line, for errors.</summary>
    public const string Advice = $"install them with `apt install {Package}` (into {DataFolders.SystemDatasets}/{FolderName}/) or put the four IDX .gz files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in the data folder";

    /// <summary>
    /// Reads the training (60,000) or test (10,000) part from <paramref name="folder"/>. A missing file throws
    /// <see cref="FileNotFoundException"/>; a file that is not IDX, or is cut short, or whose images and labels
    /// disagree in number throws <see cref="DataFormatException"/> naming the file and the offset.
    /// </summary>
    public static TensorDataset Load(string folder, bool train = true, bool asImages = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Fashion-MNIST: folder '{Path.GetFullPath(folder)}' not found; {Advice}");
        return Mnist.LoadIdx(folder, train, asImages);
    }

    /// <summary>
    /// The folder holding the four files: in <paramref name="dataDir"/> alone when given, else the first of the
    /// <see cref="DataFolders.Search"/> folders and then <see cref="DataFolders.SystemDatasets"/> that has them,
    /// looking in a folder's <c>fashion-mnist</c> subfolder before the folder itself (MNIST's files have the same
    /// names). Null when none has all four.
    /// </summary>
    public static string? Find(string? dataDir = null) => DataFolders.FindFolder(FolderName, Files, dataDir);
}
