using System.Globalization;
using System.Xml.Linq;

namespace SlaFunctions.Testing.Rendering;

/// <summary>
/// A rendered picture parsed as XML (which fails on anything not well-formed), with its elements by class.
/// </summary>
public sealed class SvgDocument
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    public static readonly XNamespace Sla = "urn:slafunctions:timeline";

    public SvgDocument(string text)
    {
        Text = text;
        Root = XDocument.Parse(text).Root!;
    }

    public string Text { get; }

    public XElement Root { get; }

    public IEnumerable<XElement> All => Root.Descendants();

    public List<XElement> OfClass(string className) =>
        [.. All.Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(className) == true)];

    public IEnumerable<string> Texts => All.Where(e => e.Name == Svg + "text").Select(e => e.Value);

    public static double Number(XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);

    public static string? Data(XElement element, string name) => (string?)element.Attribute(Sla + name);
}
