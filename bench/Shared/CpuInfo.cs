namespace Descent.Bench;

/// <summary>The CPU a result ran on, named in every printed and saved result of the benchmark and the results program.</summary>
internal static class CpuInfo
{
    /// <summary>The first processor's fields of /proc/cpuinfo ("model name", "vendor_id", "cpu MHz", "flags"…); empty where there is none.</summary>
    public static IReadOnlyDictionary<string, string> Fields()
    {
        if (!File.Exists("/proc/cpuinfo")) return new Dictionary<string, string>();
        return File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0)
            .Select(l => l.Split(':', 2)).Where(f => f.Length == 2)
            .GroupBy(f => f[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
    }

    /// <summary>
    /// The model name with its family and model numbers: results differ between CPU models (Zen 4, Xeon with
    /// AVX-512), and family and model tell apart the Xeons whose name is only "Intel(R) Xeon(R) Processor".
    /// </summary>
    public static string Model()
    {
        var fields = Fields();
        string name = fields.GetValueOrDefault("model name", "unknown CPU");
        return fields.TryGetValue("cpu family", out var family) && fields.TryGetValue("model", out var model)
            ? $"{name} (family {family} model {model})" : name;
    }

    /// <summary>
    /// <see cref="Model"/> as a folder-name part, as bench/results names them: "xeon-family6-model207" from
    /// "Intel(R) Xeon(R) Processor (family 6 model 207)"; the words of the brand, trademarks and filler dropped.
    /// </summary>
    public static string Slug(string model)
    {
        var words = model.ToLowerInvariant().Replace("(r)", " ").Replace("(tm)", " ").Replace("family ", "family").Replace("model ", "model")
            .Split([' ', '(', ')', '@', ','], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("intel" or "amd" or "processor" or "cpu" or "core") && w.All(c => char.IsLetterOrDigit(c) || c is '-' or '.'));
        return string.Join('-', words);
    }
}
