using System.Buffers.Binary;
using System.Numerics;
using Descent.Data;
using Xunit.Abstractions;

namespace Descent.Tests.Fuzz;

/// <summary>Seeded mutation tests of <see cref="Idx.Decode"/>, <see cref="Idx.Images"/> and <see cref="Idx.Labels"/>, raw and gzip.</summary>
public class IdxFuzzTests(ITestOutputHelper output)
{
    private const string File = "fuzz-idx3-ubyte";

    /// <summary>An IDX file: magic (0, 0, type, rank), big-endian dimensions, then the values.</summary>
    internal static byte[] IdxFile(uint[] dims, byte[] values, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * dims.Length + values.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        values.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private static byte[] Values(int n, int seed)
    {
        var v = new byte[n];
        new Random(seed).NextBytes(v);
        return v;
    }

    private static readonly byte[][] Seeds =
    [
        IdxFile([3, 4, 5], Values(60, 1)),
        IdxFile([7], Values(7, 2)),
        IdxFile([2, 2, 3, 2], Values(24, 3)),
        IdxFile([1, 28, 28], Values(784, 4)),
        IdxFile([0], []),
    ];

    private static readonly uint[] Dimensions = [0, 1, 2, 3, 5, 28, 255, 256, 46341, 65536, 1u << 21, 1u << 22, int.MaxValue, 1u << 31, uint.MaxValue];

    /// <summary>A lying header: dimensions, rank or type byte rewritten, the data kept, resized or dropped.</summary>
    private static (byte[] Bytes, string How) Lie(Random r, byte[] seed)
    {
        int rank = seed[3];
        switch (r.Next(4))
        {
            case 0:
            {
                var c = (byte[])seed.Clone();
                int i = r.Next(rank);
                uint d = Dimensions[r.Next(Dimensions.Length)];
                BinaryPrimitives.WriteUInt32BigEndian(c.AsSpan(4 + 4 * i), d);
                return (c, $"dim{i}={d}");
            }
            case 1:
            {
                // Every dimension rewritten; the data section kept as is or emptied.
                var dims = Enumerable.Range(0, r.Next(1, 5)).Select(_ => Dimensions[r.Next(Dimensions.Length)]).ToArray();
                var values = r.Next(2) == 0 ? [] : seed[(4 + 4 * rank)..];
                return (IdxFile(dims, values), $"dims {string.Join("x", dims)} with {values.Length} values");
            }
            case 2:
            {
                var c = (byte[])seed.Clone();
                c[3] = (byte)(r.Next(3) == 0 ? r.Next(256) : r.Next(6));
                return (c, $"rank byte {c[3]}");
            }
            default:
            {
                // Other IDX types (0x09 signed byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double) or garbage.
                var c = (byte[])seed.Clone();
                byte[] types = [0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x00, 0xFF, 0x07];
                c[2] = types[r.Next(types.Length)];
                return (c, $"type 0x{c[2]:x2}");
            }
        }
    }

    private static FuzzCase Generate(Random r, bool gzip)
    {
        var seed = Seeds[r.Next(Seeds.Length)];
        var (raw, how) = r.Next(2) == 0 ? Lie(r, seed) : Mutate.Bytes(r, seed);
        if (!gzip) return new FuzzCase(raw, how);
        if (r.Next(3) == 0)
        {
            // Mutations of the compressed bytes: a corrupt or truncated gzip stream.
            var (bytes, how2) = Mutate.Bytes(r, FuzzRunner.Gzip(seed));
            return new FuzzCase(bytes, "gzip " + how2, FuzzRunner.GunzippedLength(bytes));
        }
        var gz = FuzzRunner.Gzip(raw);
        return new FuzzCase(gz, how + " then gzip", raw.Length);
    }

    /// <summary>What a successful decode must satisfy: as many values as the dimensions multiply to.</summary>
    private static void Run(FuzzCase c, int which)
    {
        switch (which)
        {
            case 0:
            {
                var (dims, values) = Idx.Decode(c.Input, File);
                var product = dims.Aggregate(BigInteger.One, (p, d) => p * d);
                if (dims.Any(d => d < 0) || product != values.Length)
                    throw new InvalidOperationException($"decoded dims {string.Join("x", dims)} with {values.Length} values");
                break;
            }
            case 1:
            {
                var t = Idx.Images(c.Input, File);
                if (t.Rank != 3 || t.ToArray().Any(v => v is < 0f or > 1f)) throw new InvalidOperationException($"images tensor {Shape.Format(t.Shape)} out of [0, 1]");
                break;
            }
            default:
            {
                var t = Idx.Labels(c.Input, File);
                if (t.Rank != 1 || t.ToArray().Any(v => v is < 0f or > 255f || v != MathF.Floor(v))) throw new InvalidOperationException("labels not bytes");
                break;
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DecodeImagesLabelsSurviveMutations(bool gzip)
    {
        int n = 0;
        var (ok, rejected) = FuzzRunner.Run(gzip ? "Idx (gzip)" : "Idx (raw)", File, gzip ? 12 : 11, r => Generate(r, gzip),
            c => Run(c, n++ % 3), typeof(DataFormatException));
        output.WriteLine($"Idx {(gzip ? "gzip" : "raw")}: {ok + rejected} cases, {ok} decoded, {rejected} rejected");
        Assert.Equal(FuzzRunner.Cases, ok + rejected);
        Assert.True(ok > 0 && rejected > FuzzRunner.Cases / 2, $"Idx: {ok} decoded, {rejected} rejected; the mutations are too weak or too strong");
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Idx.ReadFile("/nonexistent/t10k-labels-idx1-ubyte"));
        Assert.StartsWith("t10k-labels-idx1-ubyte: file not found", e.Message);
    }
}
