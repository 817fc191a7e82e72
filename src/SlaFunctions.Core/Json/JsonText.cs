using System.Text;
using System.Text.Json;

namespace SlaFunctions.Core.Json;

/// <summary>Writes a JSON document with <see cref="Utf8JsonWriter"/> and returns it as a string.</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> write, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
