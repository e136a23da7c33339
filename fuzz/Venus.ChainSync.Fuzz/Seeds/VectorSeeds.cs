using System.Text.Json;

namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>
/// Seeds from the real network data in <c>../shared/vectors</c>: every encoding vector goes to the target of its
/// type (and, being DAG-CBOR, to <c>cbor</c>); every CID to the CID targets; every address vector, valid or not, to
/// the address targets.
/// </summary>
internal static class VectorSeeds
{
    public static void Write(string vectors, SeedSink sink)
    {
        WriteEncodings(Path.Combine(vectors, "filecoin-vectors.json"), sink);
        WriteAddresses(Path.Combine(vectors, "address-vectors.json"), sink);
    }

    private static void WriteEncodings(string path, SeedSink sink)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (JsonElement vector in document.RootElement.GetProperty("vectors").EnumerateArray())
        {
            string name = vector.GetProperty("name").GetString()!;
            foreach (byte[] cbor in Hex(vector, "cbor_hex"))
            {
                sink.Add("cbor", name, cbor);
                foreach ((string target, byte[] seed) in SeedsOf(name, cbor))
                {
                    sink.Add(target, name, seed);
                }
            }

            foreach (byte[] header in Hex(vector, "full_header_cbor_hex").Concat(Hex(vector, "signing_bytes_hex")))
            {
                sink.Add("header", name + "-alt", header);
            }

            foreach (byte[] signed in Hex(vector, "signed_message_cbor_hex"))
            {
                sink.Add("signed-message", name, signed);
                sink.Add("cbor", name + "-signed", signed);
            }

            int i = 0;
            foreach (string cid in Strings(vector, "cid").Concat(Strings(vector, "full_header_cid")))
            {
                sink.AddText("cid-text", $"{name}-{i++}", cid);
            }

            i = 0;
            foreach (byte[] cid in Hex(vector, "cid_bytes_hex"))
            {
                sink.Add("cid-bytes", $"{name}-{i++}", cid);
            }
        }
    }

    /// <summary>The targets a vector feeds, chosen by its name, with the bytes each one gets.</summary>
    private static IEnumerable<(string Target, byte[] Seed)> SeedsOf(string name, byte[] cbor)
    {
        string? target = name switch
        {
            _ when name.StartsWith("genesis_header_", StringComparison.Ordinal) => "header",
            _ when name.StartsWith("sv_block_header_", StringComparison.Ordinal) => "header",
            _ when name.StartsWith("blockheader_", StringComparison.Ordinal) => "header",
            _ when name.StartsWith("sv_unsigned_message_", StringComparison.Ordinal) => "message",
            _ when name.StartsWith("sv_message_signing_", StringComparison.Ordinal) => "message",
            "lotus_message_json_cid" => "message",
            "lotus_signed_message_json_cid" => "signed-message",
            _ when name.StartsWith("message_receipt_", StringComparison.Ordinal) => "receipt",
            _ when name.StartsWith("blockmsg_", StringComparison.Ordinal) => "block-msg",
            _ when name.Contains("txmeta", StringComparison.Ordinal) => "msg-meta",
            _ when name.StartsWith("exchange_request_", StringComparison.Ordinal) => "exchange-request",
            _ when name.StartsWith("hello_greeting_", StringComparison.Ordinal) => "hello",
            "hello_latency_message" => "latency",
            _ => null,
        };
        if (target is not null)
        {
            yield return (target, cbor);
        }

        if (name == "empty_amt_v0_root")
        {
            yield return ("amt-root", cbor);
            yield return ("amt-collect", cbor);
        }

        if (name.StartsWith("tipsetkey_cid_", StringComparison.Ordinal))
        {
            // The vector is the CBOR byte string whose CID is the tipset CID; the key's own bytes are its content.
            yield return ("tipset-key-bytes", ByteStringContent(cbor));
        }

        if (name.StartsWith("exchange_response_", StringComparison.Ordinal))
        {
            // The first byte is the request the target derives (ExchangeTargets.Response): headers only, or both.
            byte control = name.Contains("headers_only", StringComparison.Ordinal) ? (byte)0x01 : (byte)0x03;
            yield return ("exchange-response", [control, .. cbor]);
        }
    }

    private static void WriteAddresses(string path, SeedSink sink)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        int i = 0;
        foreach (JsonElement valid in root.GetProperty("valid").EnumerateArray())
        {
            sink.Add("address-bytes", $"valid-{i}", Convert.FromHexString(valid.GetProperty("bytes_hex").GetString()!));
            sink.AddText("address-text", $"valid-{i}-mainnet", valid.GetProperty("mainnet").GetString()!);
            sink.AddText("address-text", $"valid-{i}-testnet", valid.GetProperty("testnet").GetString()!);
            i++;
        }

        i = 0;
        foreach (JsonElement invalid in root.GetProperty("invalid_strings").EnumerateArray())
        {
            sink.AddText("address-text", $"invalid-{i++}", invalid.GetProperty("string").GetString()!);
        }

        i = 0;
        foreach (JsonElement invalid in root.GetProperty("invalid_bytes").EnumerateArray())
        {
            sink.Add("address-bytes", $"invalid-{i++}", Convert.FromHexString(invalid.GetProperty("bytes_hex").GetString()!));
        }
    }

    private static byte[] ByteStringContent(byte[] cbor)
    {
        var reader = new Primitives.Cbor.DagCborReader(cbor);
        return reader.ReadByteString().ToArray();
    }

    /// <summary>A field that holds a string, a list of strings, or null.</summary>
    private static string[] Strings(JsonElement vector, string field)
    {
        if (!vector.TryGetProperty(field, out JsonElement value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray(),
            _ => [],
        };
    }

    private static IEnumerable<byte[]> Hex(JsonElement vector, string field) => Strings(vector, field).Select(Convert.FromHexString);
}
