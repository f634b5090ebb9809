using Descent.Cli.Demo;
using Descent.Cli.Report;
using Descent.Tutorial;

namespace Descent.Tests.Cli.Report;

/// <summary>One report written to a fresh temporary folder, shared by the tests that read it; deleted afterwards.</summary>
public sealed class ReportFixture : IDisposable
{
    /// <summary>A smaller conv run than the demo's, to keep the test quick; the story is the same.</summary>
    public static readonly ConvSettings Conv = new(Seed: 0, TrainCount: 600, TestCount: 200);

    public ReportFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "descent-report-" + Guid.NewGuid().ToString("N"));
        First = LinearRegressionStory.Run(new LineSettings(Seed: 0));
        Second = SecondHalf.Run(new NetworkSettings(Seed: 0));
        Report = DemoReport.Write(First, Second, Folder, TestData.MnistDigits, Conv);
        Html = File.ReadAllText(Report.Index);
    }

    public string Folder { get; }
    public LineResult First { get; }
    public SecondHalfResult Second { get; }
    public ReportResult Report { get; }
    public string Html { get; }

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ReportCollection : ICollectionFixture<ReportFixture>
{
    public const string Name = "report";
}
