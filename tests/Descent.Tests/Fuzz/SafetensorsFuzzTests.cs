using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Descent.IO;
using Xunit.Abstractions;

namespace Descent.Tests.Fuzz;

/// <summary>Seeded mutation tests of <see cref="Safetensors.Parse"/> and <see cref="Safetensors.Load"/>.</summary>
public class SafetensorsFuzzTests(ITestOutputHelper output)
{
    private const string File = "fuzz.safetensors";

    /// <summary>A header held as raw JSON fragments, so mutations can write any lie into any field.</summary>
    private sealed class Header
    {
        public List<(string Name, string Dtype, string Shape, string Offsets, string Extra)> Tensors = [];
        public string? Metadata;
        public byte[] Data = [];

        public Header Clone() => new() { Tensors = [.. Tensors], Metadata = Metadata, Data = Data };

        public string Json()
        {
            var parts = new List<string>();
            if (Metadata != null) parts.Add("\"__metadata__\":" + Metadata);
            foreach (var t in Tensors) parts.Add($"{t.Name}:{{\"dtype\":{t.Dtype},\"shape\":{t.Shape},\"data_offsets\":{t.Offsets}{t.Extra}}}");
            return "{" + string.Join(",", parts) + "}";
        }

        public byte[] Bytes(ulong? lengthField = null, byte[]? headerBytes = null)
        {
            var json = headerBytes ?? Encoding.UTF8.GetBytes(Json());
            var file = new byte[8 + json.Length + Data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(file, lengthField ?? (ulong)json.Length);
            json.CopyTo(file, 8);
            Data.CopyTo(file, 8 + json.Length);
            return file;
        }

        /// <summary>Reads a well-formed file back into fragments.</summary>
        public static Header From(byte[] file)
        {
            int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
            using var doc = JsonDocument.Parse(file.AsMemory(8, n));
            var h = new Header { Data = file[(8 + n)..] };
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__") { h.Metadata = p.Value.GetRawText(); continue; }
                h.Tensors.Add((JsonSerializer.Serialize(p.Name), p.Value.GetProperty("dtype").GetRawText(),
                    p.Value.GetProperty("shape").GetRawText(), p.Value.GetProperty("data_offsets").GetRawText(), ""));
            }
            return h;
        }
    }

    private static readonly Lazy<Header[]> Seeds = new(MakeSeeds);

    private static Header[] MakeSeeds()
    {
        var seeds = new List<Header>();
        var path = Path.Combine(Path.GetTempPath(), $"descent-fuzz-{Guid.NewGuid():N}.safetensors");
        try
        {
            var g = new Generator(7);
            Safetensors.Save(path, new OrderedDictionary<string, Tensor>
            {
                ["0.weight"] = Tensor.Randn([2, 3], g),
                ["0.bias"] = Tensor.FromArray([1f, -2f, 3.5f]),
            }, new Dictionary<string, string> { ["arch"] = "mlp:3", ["epoch"] = "2" });
            seeds.Add(Header.From(System.IO.File.ReadAllBytes(path)));
            Safetensors.Save(path, new OrderedDictionary<string, Tensor>
            {
                ["scalar"] = Tensor.Scalar(0.25f),
                ["empty"] = Tensor.Zeros(0, 4),
                ["w"] = Tensor.Ones(1, 1, 2),
            });
            seeds.Add(Header.From(System.IO.File.ReadAllBytes(path)));
            Safetensors.Save(path, [], new Dictionary<string, string> { ["only"] = "metadata" });
            seeds.Add(Header.From(System.IO.File.ReadAllBytes(path)));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
        // Other dtypes, written by hand as PyTorch would: F64 [2], F16 [3], BF16 [1, 2] (data in offset order).
        var data = new byte[16 + 6 + 4];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 1.5);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), -2);
        for (int i = 0; i < 3; i++) BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(16 + 2 * i), (Half)(i + 0.5f));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(22), 0x3f80);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(24), 0xc000);
        seeds.Add(new Header
        {
            Tensors = [("\"d\"", "\"F64\"", "[2]", "[0,16]", ""), ("\"h\"", "\"F16\"", "[3]", "[16,22]", ""), ("\"b\"", "\"BF16\"", "[1,2]", "[22,26]", "")],
            Data = data,
        });
        return [.. seeds];
    }

    private static readonly string[] Dtypes = ["\"F32\"", "\"F64\"", "\"F16\"", "\"BF16\"", "\"I32\"", "\"U8\"", "\"BOOL\"", "\"f32\"", "\"\"", "4", "null", "[\"F32\"]", "\"F32\\u0000\""];

    private static readonly string[] Numbers =
    [
        "0", "1", "2", "3", "4", "-1", "1.5", "2147483647", "2147483648", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "1e3", "1e400", "\"3\"", "null", "[]", "{}", "true",
    ];

    private static string Pick(Random r, string[] options) => options[r.Next(options.Length)];

    /// <summary>A structure-aware lie, written into the JSON header (with a correct length field unless said otherwise).</summary>
    private static FuzzCase Lie(Random r, Header seed)
    {
        var h = seed.Clone();
        int count = h.Tensors.Count;
        int t = count == 0 ? -1 : r.Next(count);
        string how;
        switch (r.Next(17))
        {
            case 0 when t >= 0:
            {
                // Shift one tensor's offsets (one end or both) by a small or huge amount.
                using var doc = JsonDocument.Parse(h.Tensors[t].Offsets);
                long b = doc.RootElement[0].GetInt64(), e = doc.RootElement[1].GetInt64();
                long delta = r.Next(3) == 0 ? Mutate.Interesting[r.Next(Mutate.Interesting.Length)] : r.Next(-9, 10);
                int which = r.Next(3);
                if (which != 1) b = unchecked(b + delta);
                if (which != 0) e = unchecked(e + delta);
                h.Tensors[t] = h.Tensors[t] with { Offsets = $"[{b},{e}]" };
                how = $"offsets[{t}] shift {delta} ({which})";
                break;
            }
            case 1 when t >= 0:
            {
                List<string> dims;
                using (var doc = JsonDocument.Parse(h.Tensors[t].Shape)) dims = doc.RootElement.EnumerateArray().Select(d => d.GetRawText()).ToList();
                int op = r.Next(3);
                if (op == 0 && dims.Count > 0) dims[r.Next(dims.Count)] = Pick(r, Numbers);
                else if (op == 1) dims.Insert(r.Next(dims.Count + 1), Pick(r, Numbers));
                else if (dims.Count > 0) dims.RemoveAt(r.Next(dims.Count));
                if (r.Next(4) == 0) dims.AddRange(Enumerable.Repeat("1", r.Next(1, 20)));
                h.Tensors[t] = h.Tensors[t] with { Shape = "[" + string.Join(",", dims) + "]" };
                how = $"shape[{t}]={h.Tensors[t].Shape}";
                break;
            }
            case 2 when t >= 0:
                h.Tensors[t] = h.Tensors[t] with { Dtype = Pick(r, Dtypes) };
                how = $"dtype[{t}]={h.Tensors[t].Dtype}";
                break;
            case 3 when t >= 0:
            {
                // A duplicate key: the same tensor name twice, pointing at the same or the next range.
                var dup = h.Tensors[t];
                if (r.Next(2) == 0) h.Tensors[(t + 1) % count] = h.Tensors[(t + 1) % count] with { Name = dup.Name };
                else h.Tensors.Insert(t, dup);
                how = $"duplicate {dup.Name}";
                break;
            }
            case 4:
            {
                int depth = r.Next(1, 400);
                string nested = new string('[', depth) + new string(']', depth);
                if (t >= 0 && r.Next(2) == 0) h.Tensors[t] = h.Tensors[t] with { Extra = ",\"x\":" + nested };
                else h.Metadata = "{\"deep\":" + nested + "}";
                how = $"nesting {depth}";
                break;
            }
            case 5:
                h.Metadata = Pick(r, ["{\"a\":1}", "{\"a\":null}", "{\"a\":{\"b\":\"c\"}}", "{\"a\":[\"x\"]}", "[]", "\"text\"", "7", "{\"a\":\"x\",\"a\":\"y\"}", "{\"\\ud800\":\"x\"}", "{\"a\":\"\\ud800\"}"]);
                how = $"metadata={h.Metadata}";
                break;
            case 6 when t >= 0:
            {
                string[] offsets = ["[\"0\",4]", "[0]", "[0,4,8]", "{}", "null", "[0,null]", "[null,0]", "[1.5,4]", "[-4,0]", "[4,0]",
                    "[0,9223372036854775807]", "[9223372036854775807,9223372036854775807]", "[0,1e400]", "[[0],[4]]", "[true,false]", "[0,\"4\"]"];
                h.Tensors[t] = h.Tensors[t] with { Offsets = Pick(r, offsets) };
                how = $"offsets[{t}]={h.Tensors[t].Offsets}";
                break;
            }
            case 7 when t >= 0:
            {
                string[] names = ["\"\"", "\"__metadata__\"", "\"a\\nb\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"é\"", "\"" + new string('n', 3000) + "\""];
                h.Tensors[t] = h.Tensors[t] with { Name = Pick(r, names) };
                how = $"name[{t}]={Mutate.Escape(h.Tensors[t].Name[..Math.Min(20, h.Tensors[t].Name.Length)])}";
                break;
            }
            case 8 when t >= 0:
            {
                string[] bad = ["\"x\"", "[]", "1", "null", "{}"];
                string v = Pick(r, bad);
                var parts = h.Json();
                string json = parts.Replace($"{h.Tensors[t].Name}:{{", $"{h.Tensors[t].Name}:{v},\"z{r.Next(1000)}\":{{");
                return new FuzzCase(h.Bytes(headerBytes: Encoding.UTF8.GetBytes(json)), $"entry[{t}] not an object: {v}");
            }
            case 9:
            {
                string root = Pick(r, ["[]", "\"x\"", "1", "null", "", " ", "{", "{}", "{\"a\":{\"dtype\":\"F32\"}}", "{\"a\":{\"shape\":[]}}"]);
                h.Data = r.Next(2) == 0 ? [] : h.Data;
                return new FuzzCase(h.Bytes(headerBytes: Encoding.UTF8.GetBytes(root)), $"root '{root}'");
            }
            case 10:
            {
                // Lying header length: everything else valid.
                var json = Encoding.UTF8.GetBytes(h.Json());
                long[] lengths = [0, 1, json.Length - 1, json.Length + 1, json.Length + h.Data.Length, json.Length + h.Data.Length + 1,
                    int.MaxValue, 1L << 31, 1L << 32, 100_000_000, 100_000_001, long.MaxValue, -1];
                ulong len = (ulong)lengths[r.Next(lengths.Length)];
                return new FuzzCase(h.Bytes(lengthField: len), $"header length {len} (real {json.Length})");
            }
            case 11:
            {
                int extra = r.Next(-8, 9);
                h.Data = extra >= 0 ? [.. h.Data, .. new byte[extra]] : h.Data[..Math.Max(0, h.Data.Length + extra)];
                how = $"data {extra:+#;-#;0} bytes";
                break;
            }
            case 12 when t >= 0:
            {
                // A consistent-looking lie: shape and offsets changed together, the data section resized to match.
                long n = Mutate.Interesting[r.Next(9)];
                h.Tensors = [(h.Tensors[t].Name, "\"F32\"", $"[{n}]", $"[0,{4 * n}]", "")];
                h.Data = new byte[4 * n];
                how = $"single tensor [{n}]";
                break;
            }
            case 15:
            {
                // No elements, but huge other dimensions: the product is 0 only after a prefix beyond any array.
                string[] dims = ["0", "65536", "2147483647", "46341", "1"];
                var shape = Enumerable.Range(0, r.Next(1, 5)).Select(_ => Pick(r, dims)).ToList();
                h.Tensors = [("\"z\"", "\"F32\"", "[" + string.Join(",", shape) + "]", "[0,0]", "")];
                h.Data = [];
                how = $"empty tensor {h.Tensors[0].Shape}";
                break;
            }
            case 13:
            {
                // Invalid UTF-8 inside a string of the header.
                var json = Encoding.UTF8.GetBytes(h.Json());
                var quotes = Enumerable.Range(0, json.Length).Where(i => json[i] == (byte)'"').ToArray();
                int at = quotes.Length == 0 ? 0 : quotes[r.Next(quotes.Length)] + 1;
                byte[] bad = Pick(r, ["\xFF", "\xC0\x80", "\xED\xA0\x80", "\xE2\x82", "\xF8"]).Select(c => (byte)c).ToArray();
                byte[] mutated = [.. json[..at], .. bad, .. json[at..]];
                return new FuzzCase(h.Bytes(headerBytes: mutated), $"invalid UTF-8 @{at}");
            }
            case 14 when t >= 0:
                h.Tensors[t] = h.Tensors[t] with { Extra = Pick(r, [",\"dtype\":\"F64\"", ",\"shape\":[99]", ",\"data_offsets\":[0,0]", ",\"extra\":1"]) };
                how = $"extra field in [{t}]: {h.Tensors[t].Extra}";
                break;
            default:
            {
                // Byte mutations inside the JSON header only, with the length field recomputed.
                var (json, h2) = Mutate.Bytes(r, Encoding.UTF8.GetBytes(h.Json()));
                return new FuzzCase(h.Bytes(headerBytes: json), "header " + h2);
            }
        }
        return new FuzzCase(h.Bytes(), how);
    }

    private static FuzzCase Generate(Random r)
    {
        var seeds = Seeds.Value;
        var seed = seeds[r.Next(seeds.Length)];
        if (r.Next(10) < 6) return Lie(r, seed);
        var (bytes, how) = Mutate.Bytes(r, seed.Bytes());
        return new FuzzCase(bytes, how);
    }

    /// <summary>A result that parsed must be what it claims: every tensor's element count equals its shape's product.</summary>
    private static void Check(OrderedDictionary<string, Tensor> tensors)
    {
        foreach (var (name, t) in tensors)
        {
            long n = 1;
            foreach (int d in t.Shape) n *= d;
            if (n != t.Numel || t.ToArray().Length != n) throw new InvalidOperationException($"tensor '{name}' holds {t.Numel} values for shape {Shape.Format(t.Shape)}");
        }
    }

    [Fact]
    public void SeedsParse()
    {
        foreach (var seed in Seeds.Value) Check(Safetensors.Parse(seed.Bytes(), File).Tensors);
        var (tensors, _) = Safetensors.Parse(Seeds.Value[3].Bytes(), File);
        Assert.Equal([1.5f, -2f], tensors["d"].ToArray());
        Assert.Equal([0.5f, 1.5f, 2.5f], tensors["h"].ToArray());
        Assert.Equal([1f, -2f], tensors["b"].ToArray());
    }

    [Fact]
    public void ParseSurvivesMutations()
    {
        var (ok, rejected) = FuzzRunner.Run("Safetensors.Parse", File, 1, Generate,
            c => Check(Safetensors.Parse(c.Input, File).Tensors), typeof(SafetensorsFormatException));
        output.WriteLine($"Safetensors.Parse: {ok + rejected} cases, {ok} parsed, {rejected} rejected");
        Assert.Equal(FuzzRunner.Cases, ok + rejected);
        Assert.True(rejected > FuzzRunner.Cases / 2, $"Safetensors.Parse: only {rejected} of {FuzzRunner.Cases} mutations rejected; the mutations are too weak");
    }

    [Fact]
    public void LoadSurvivesMutations()
    {
        var dir = FuzzRunner.TempFolder();
        var path = Path.Combine(dir, File);
        try
        {
            var (ok, rejected) = FuzzRunner.Run("Safetensors.Load", File, 2, Generate, c =>
            {
                System.IO.File.WriteAllBytes(path, c.Input);
                Check(Safetensors.Load(path).Tensors);
            }, typeof(SafetensorsFormatException));
            output.WriteLine($"Safetensors.Load: {ok + rejected} cases, {ok} loaded, {rejected} rejected");
            Assert.Equal(FuzzRunner.Cases, ok + rejected);
            Assert.Throws<FileNotFoundException>(() => Safetensors.Load(Path.Combine(dir, "missing.safetensors")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
