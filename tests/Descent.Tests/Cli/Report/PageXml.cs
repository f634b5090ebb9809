using System.Xml;
using System.Xml.Linq;

namespace Descent.Tests.Cli.Report;

/// <summary>Parses the report's XHTML-compatible markup as XML: a missing close tag or a bad entity fails here.</summary>
internal static class PageXml
{
    public static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    public static XDocument Parse(string html)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(html), settings);
        return XDocument.Load(reader);
    }

    public static IEnumerable<XElement> All(XDocument page, string tag) => page.Descendants(Xhtml + tag);
}
