namespace Descent.Tests.Docs;

/// <summary>
/// The README's "From PyTorch" table: each Descent form is compiled and run here with the same text, and a
/// second test fails on a row that is not run here.
/// </summary>
public class ReadmeFromPyTorchTests
{
    // Keyed by the table's Descent cell; each body contains that cell verbatim and checks what it means.
    private static readonly Dictionary<string, Action> Rows = new()
    {
        ["x[.., ^1, ..]"] = () =>
        {
            var x = Tensor.Arange(24).Reshape(2, 3, 4);
            var r = x[.., ^1, ..];
            Assert.Equal(new[] { 2, 4 }, r.Shape);
            Assert.Equal(new float[] { 8, 9, 10, 11, 20, 21, 22, 23 }, r.ToArray());
        },
        ["x[1..3, ..^1]"] = () =>
        {
            var x = Tensor.Arange(12).Reshape(4, 3);
            var r = x[1..3, ..^1];
            Assert.Equal(new float[] { 3, 4, 6, 7 }, r.ToArray());
        },
        ["x[TensorIndex.Ellipsis, ^1]"] = () =>
        {
            var x = Tensor.Arange(8).Reshape(2, 2, 2);
            var r = x[TensorIndex.Ellipsis, ^1];
            Assert.Equal(new float[] { 1, 3, 5, 7 }, r.ToArray());
        },
        ["x.At(i, j)"] = () =>
        {
            var x = Tensor.Arange(12).Reshape(4, 3);
            int i = 2, j = -1;
            float r = x.At(i, j);
            Assert.Equal(8f, r);
        },
        ["x[.., 0] = y"] = () =>
        {
            var x = Tensor.Zeros(3, 2);
            var y = Tensor.FromArray([1f, 2f, 3f], [3]);
            x[.., 0] = y;
            Assert.Equal(new float[] { 1, 0, 2, 0, 3, 0 }, x.ToArray());
        },
        ["x.IndexPut(0f, .., 0)"] = () =>
        {
            var x = Tensor.Ones(2, 2);
            x.IndexPut(0f, .., 0);
            Assert.Equal(new float[] { 0, 1, 0, 1 }, x.ToArray());
        },
        ["x.Long()"] = () =>
        {
            var x = Tensor.FromArray([2.7f, -1.5f], [2]);
            IntTensor r = x.Long();
            Assert.Equal(new long[] { 2, -1 }, r.ToArray());
        },
        ["IntTensor.Arange(n)"] = () =>
        {
            int n = 4;
            IntTensor r = IntTensor.Arange(n);
            Assert.Equal(new long[] { 0, 1, 2, 3 }, r.ToArray());
        },
        ["x.Gather(1, idx)"] = () =>
        {
            var x = Tensor.Arange(6).Reshape(2, 3);
            var idx = IntTensor.FromArray([2L, 0], [2, 1]);
            var r = x.Gather(1, idx);
            Assert.Equal(new float[] { 2, 3 }, r.ToArray());
        },
        ["x.MaskedFill(mask.Eq(0f), float.NegativeInfinity)"] = () =>
        {
            var x = Tensor.Ones(2, 2);
            var mask = Tensor.Ones(2, 2).Tril();
            var r = x.MaskedFill(mask.Eq(0f), float.NegativeInfinity);
            Assert.Equal(new[] { 1f, float.NegativeInfinity, 1f, 1f }, r.ToArray());
        },
        ["lstm.Forward(x, null, lengths).Output"] = () =>
        {
            var lstm = new Descent.Nn.LSTM(2, 3, generator: new Generator(0));
            var x = Tensor.Randn([4, 2, 2], new Generator(1));
            var lengths = IntTensor.FromArray(new[] { 4, 1 });
            var r = lstm.Forward(x, null, lengths).Output;
            Assert.Equal(new[] { 4, 2, 3 }, r.Shape);
            Assert.Equal(lstm.Forward(x[..1, 1..2]).ToArray(), r[..1, 1..2].ToArray());
            Assert.All(r[1.., 1].ToArray(), v => Assert.Equal(0f, v));
        },
        ["x.Tril()"] = () =>
        {
            var x = Tensor.Ones(3, 3);
            var r = x.Tril();
            Assert.Equal(new float[] { 1, 0, 0, 1, 1, 0, 1, 1, 1 }, r.ToArray());
        },
        ["probs.Multinomial(1, generator: g)"] = () =>
        {
            var probs = Tensor.FromArray([0f, 0f, 1f, 0f, 1f, 0f], [2, 3]);
            var g = new Generator(0);
            IntTensor r = probs.Multinomial(1, generator: g);
            Assert.Equal(new long[] { 2, 1 }, r.ToArray());
        },
        ["var (values, indices) = x.TopK(k)"] = () =>
        {
            var x = Tensor.FromArray([3f, 9f, 1f, 7f], [4]);
            int k = 2;
            var (values, indices) = x.TopK(k);
            Assert.Equal(new float[] { 9, 7 }, values.ToArray());
            Assert.Equal(new long[] { 1, 3 }, indices.ToArray());
        },
        ["Tensor.Arange(0f, 1f, 0.25f)"] = () =>
        {
            var r = Tensor.Arange(0f, 1f, 0.25f);
            Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f }, r.ToArray());
        },
    };

    public static TheoryData<string> TestedRows() => new(Rows.Keys);

    [Theory, MemberData(nameof(TestedRows))]
    public void DescentForm_CompilesAndRuns(string form)
    {
        Assert.Contains(form, TableForms());
        Rows[form]();
    }

    [Fact]
    public void EveryRow_IsRunHere()
    {
        var forms = TableForms();
        Assert.Equal(15, forms.Count);
        Assert.Equal([], forms.Where(f => !Rows.ContainsKey(f)).ToArray());
    }

    // The Descent column of the table under "## From PyTorch", without its backticks.
    private static List<string> TableForms()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"));
        int start = readme.IndexOf("## From PyTorch\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no \"## From PyTorch\" section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return readme[start..end].Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|')[2].Trim().Trim('`'))
            .ToList();
    }
}
