using System.Text;
using Descent.Data;

namespace Descent.Tests.Data;

/// <summary>
/// CSV readers whose memory follows what the input holds and documented caps, never an endless line or file, and
/// the header rule: a first row is a header only when none of its cells is a number (issue 17, items 2 and 3).
/// </summary>
public class CsvBoundsTests
{
    /// <summary>An input that never ends: <paramref name="prefix"/>, then <paramref name="unit"/> repeated forever.</summary>
    private sealed class Endless(string unit, string prefix = "") : TextReader
    {
        private long _at;

        public override int Read(char[] buffer, int index, int count)
        {
            for (int i = 0; i < count; i++, _at++)
                buffer[index + i] = _at < prefix.Length ? prefix[(int)_at] : unit[(int)((_at - prefix.Length) % unit.Length)];
            return count;
        }

        public override int Read() => throw new NotSupportedException("the readers take blocks");
    }

    private static (T Result, long Allocated) Measure<T>(Func<T> f)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = f();
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_line_longer_than_the_cap_fails_naming_it_with_memory_bounded_by_the_cap()
    {
        // 4 Mi characters on one line (the 200 MB line took 3 GB): the reader stops at the cap.
        var text = "a,b\n1,2\n" + string.Join(',', Enumerable.Repeat("1", 2 << 20)) + "\n";
        var (e, allocated) = Measure(() => Assert.Throws<DataFormatException>(() => Csv.Load(new StringReader(text), "long.csv")));
        Assert.Equal($"long.csv: line 3: longer than {CsvReader.MaxLineChars} characters, the limit of a line (is it text with line ends?)", e.Message);
        Assert.True(allocated < 8L * CsvReader.MaxLineChars, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Input_without_line_ends_ends_promptly()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (e, allocated) = Measure(() => Assert.Throws<DataFormatException>(() => Csv.Load(new Endless("1234567,"), "endless.csv")));
        Assert.StartsWith("endless.csv: line 1: longer than", e.Message);
        Assert.True(allocated < 8L * CsvReader.MaxLineChars, $"allocated {allocated:N0} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void An_endless_file_of_rows_stops_at_the_value_cap()
    {
        var reader = new Endless("1,2\n", prefix: "x,y\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.Load(reader, "rows.csv", maxValues: 1000));
        Assert.Equal("rows.csv: line 502: the file holds more than 1000 values, the limit of a CSV data set", e.Message);
    }

    [Fact]
    public void A_line_with_more_fields_than_the_cap_fails()
    {
        var text = "a,b\n" + new string(',', CsvReader.MaxFields) + "\n";
        var e = Assert.Throws<DataFormatException>(() => Csv.Load(new StringReader(text), "wide.csv"));
        Assert.Equal($"wide.csv: line 2: {CsvReader.MaxFields + 1} fields, more than the {CsvReader.MaxFields}-field limit of a line", e.Message);
    }

    [Fact]
    public void Memory_follows_what_the_file_holds()
    {
        // 20,000 rows of three short cells, within the fuzzers' bound of 64 bytes allocated per byte of input.
        var text = new StringBuilder("a,b,kind\n");
        for (int i = 0; i < 20_000; i++) text.Append(i % 7).Append(',').Append(i % 5).Append(i % 2 == 0 ? ",cat\n" : ",dog\n");
        var input = text.ToString();
        var ((data, _, classes), allocated) = Measure(() => Csv.Load(new StringReader(input), "many.csv"));
        Assert.Equal(20_000, data.Count);
        Assert.Equal(["cat", "dog"], classes);
        Assert.True(allocated < 64L * input.Length + (1 << 20), $"allocated {allocated:N0} bytes for {input.Length:N0} characters");
    }

    [Theory]
    [InlineData("5.1,3.5,1.4,O.2", "column 4: 'O.2' is not a number, but the row's other cells are")]
    [InlineData("x,y,2020,label", "column 3: '2020' is a number, but the row's other cells are not")]
    public void A_mixed_first_row_is_an_error_naming_the_cell(string first, string problem)
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Load(new StringReader(first + "\n1,2,3,4\n"), "mixed.csv"));
        Assert.Equal($"mixed.csv: line 1: {problem}; a header holds no numbers and a data row only numbers", e.Message);
    }

    [Fact]
    public void A_data_set_needs_a_header()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Load(new StringReader("\n5.1,3.5\n1,2\n"), "numbers.csv"));
        Assert.Equal("numbers.csv: line 2: the first row holds only numbers; it must be a header naming the columns", e.Message);
    }

    [Theory]
    [InlineData("a\r\nb\rc\n\nd", new[] { "a", "b", "c", "d" }, new[] { 1, 2, 3, 5 })]
    [InlineData("a\n\n", new[] { "a" }, new[] { 1 })]
    [InlineData("\r\n\r\na,\"b\" ", new[] { "a|b" }, new[] { 3 })]
    public void Rows_and_line_numbers_follow_every_line_end(string text, string[] rows, int[] lines)
    {
        var csv = new CsvReader(new StringReader(text), "t.csv");
        var got = new List<(string, int)>();
        while (csv.ReadRow() is { } cells) got.Add((string.Join('|', cells), csv.Line));
        Assert.Equal(rows.Zip(lines), got);
    }
}
