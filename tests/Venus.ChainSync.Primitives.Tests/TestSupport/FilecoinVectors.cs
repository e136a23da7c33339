using System.Text.Json;

namespace Venus.ChainSync.Primitives.Tests.TestSupport;

/// <summary>Access to <c>filecoin-vectors.json</c> by vector name.</summary>
public static class FilecoinVectors
{
    public static JsonElement Get(string name)
    {
        using JsonDocument doc = SharedVectors.Json("filecoin-vectors.json");
        foreach (JsonElement v in doc.RootElement.GetProperty("vectors").EnumerateArray())
        {
            if (v.GetProperty("name").GetString() == name)
            {
                return v.Clone();
            }
        }

        throw new KeyNotFoundException(name);
    }

    public static IReadOnlyList<JsonElement> All()
    {
        using JsonDocument doc = SharedVectors.Json("filecoin-vectors.json");
        return [.. doc.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.Clone())];
    }

    public static byte[] CborBytes(this JsonElement vector, string property = "cbor_hex") => Hex.Decode(vector.GetProperty(property).GetString()!);

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).ValueKind == JsonValueKind.Number
        ? e.GetProperty(property).GetRawText()
        : e.GetProperty(property).GetString()!;
}
