using System.Globalization;
using System.Text;
using System.Xml;

namespace SlaFunctions.Core.Rendering;

/// <summary>
/// Writes SVG 1.1 through <see cref="XmlWriter"/>, so the text is well-formed and escaped whatever the names in
/// it. Attributes prefixed <c>sla:</c> go to <see cref="SlaNamespace"/>: they say what an element stands for
/// (its kind and instants), for tools and tests; renderers ignore them.
/// </summary>
internal sealed class SvgWriter : IDisposable
{
    public const string Namespace = "http://www.w3.org/2000/svg";
    public const string SlaNamespace = "urn:slafunctions:timeline";

    private readonly StringBuilder text = new();
    private readonly XmlWriter xml;

    public SvgWriter(double width, double height)
    {
        xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true });
        xml.WriteStartElement("svg", Namespace);
        xml.WriteAttributeString("xmlns", "sla", null, SlaNamespace);
        xml.WriteAttributeString("version", "1.1");
        xml.WriteAttributeString("width", Number(width));
        xml.WriteAttributeString("height", Number(height));
        xml.WriteAttributeString("viewBox", $"0 0 {Number(width)} {Number(height)}");
    }

    public static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The <c>points</c> of a polygon.</summary>
    public static string Points(params (double X, double Y)[] points) =>
        string.Join(' ', points.Select(p => $"{Number(p.X)},{Number(p.Y)}"));

    public void Start(string element, params (string Name, object Value)[] attributes)
    {
        xml.WriteStartElement(element, Namespace);
        Attributes(attributes);
    }

    public void End() => xml.WriteEndElement();

    public void Empty(string element, params (string Name, object Value)[] attributes)
    {
        Start(element, attributes);
        End();
    }

    /// <summary>An element with text content, such as <c>text</c> or <c>title</c>.</summary>
    public void Text(string element, string content, params (string Name, object Value)[] attributes)
    {
        Start(element, attributes);
        xml.WriteString(content);
        End();
    }

    /// <summary>Closes the document and returns its text.</summary>
    public string Finish()
    {
        xml.WriteEndElement();
        xml.Flush();
        return text.ToString();
    }

    public void Dispose() => xml.Dispose();

    private void Attributes((string Name, object Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            var formatted = value switch
            {
                double d => Number(d),
                int i => i.ToString(CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
            if (name.StartsWith("sla:", StringComparison.Ordinal))
            {
                xml.WriteAttributeString("sla", name[4..], SlaNamespace, formatted);
            }
            else
            {
                xml.WriteAttributeString(name, formatted);
            }
        }
    }
}
