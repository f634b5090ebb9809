using System.Net;
using System.Text;

namespace Descent.Cli.Report;

/// <summary>
/// Builds XHTML-compatible markup (every element closed, attributes quoted, no named entities), so the page
/// parses as XML as well as HTML. Text and attribute values are escaped here and nowhere else.
/// </summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder _html = new();
    private int _depth;

    public override string ToString() => _html.ToString();

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    public void Raw(string markup) => _html.Append(markup);

    public void Line(string markup) => _html.Append(' ', 2 * _depth).Append(markup).Append('\n');

    public void Open(string tag, params (string Name, string Value)[] attributes)
    {
        Line($"<{tag}{Attributes(attributes)}>");
        _depth++;
    }

    public void Close(string tag)
    {
        _depth--;
        Line($"</{tag}>");
    }

    /// <summary>An element whose content is <paramref name="text"/>, escaped.</summary>
    public void Text(string tag, string text, params (string Name, string Value)[] attributes) =>
        Line($"<{tag}{Attributes(attributes)}>{Escape(text)}</{tag}>");

    /// <summary>An element whose content is already markup (built with <see cref="Escape"/>).</summary>
    public void Markup(string tag, string markup, params (string Name, string Value)[] attributes) =>
        Line($"<{tag}{Attributes(attributes)}>{markup}</{tag}>");

    public void Empty(string tag, params (string Name, string Value)[] attributes) =>
        Line($"<{tag}{Attributes(attributes)} />");

    private static string Attributes((string Name, string Value)[] attributes) =>
        string.Concat(attributes.Select(a => $" {a.Name}=\"{Escape(a.Value)}\""));
}
