using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// CIDs in both forms. <see cref="Cid.TryParse(string, out Cid)"/> and
/// <see cref="Cid.TryFromBytes(ReadOnlySpan{byte}, out Cid, out string)"/> must never throw, and
/// <see cref="Cid.Parse"/> and <see cref="Cid.FromBytes"/> throw <see cref="FormatException"/> exactly when they
/// refuse. An accepted CID prints and parses back to itself; text in the canonical base (base32 for v1, base58 for
/// v0) prints back exactly as it came.
/// </summary>
internal static class CidTargets
{
    public static void Parse(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        string text = TextInput.From(input);
        (bool ok, Cid cid) = meter.Call(() => (Cid.TryParse(text, out Cid parsed), parsed));
        RoundTrip.TwinAgrees<FormatException>("Cid.Parse", ok, () => Cid.Parse(text));
        if (!ok)
        {
            return;
        }

        // 'z' (base58btc) text is valid too, but prints in base32.
        if (text[0] == 'b' || cid.Version == 0)
        {
            RoundTrip.Text("Cid.ToString", text, cid.ToString());
        }

        Check(cid);
    }

    public static void FromBytes(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        (bool ok, Cid cid) = meter.Call(() => (Cid.TryFromBytes(input.Span, out Cid parsed, out _), parsed));
        RoundTrip.TwinAgrees<FormatException>("Cid.FromBytes", ok, () => Cid.FromBytes(input.Span));
        if (!ok)
        {
            return;
        }

        RoundTrip.Bytes("Cid.Bytes", input.Span, cid.Bytes);
        Check(cid);
    }

    private static void Check(Cid cid)
    {
        string printed = cid.ToString();
        RoundTrip.That(Cid.TryParse(printed, out Cid reparsed) && reparsed == cid, $"'{printed}' does not parse back to the CID it was printed from");

        // The parts of an accepted CID are readable: none of these may throw.
        RoundTrip.That(cid.Version is 0 or 1, $"CID version {cid.Version}");
        _ = cid.Codec;
        _ = cid.IsChainCid;
        RoundTrip.That(cid.Multihash.Digest.Length <= Multihash.MaxDigestLength, "a multihash digest over the maximum");
        _ = cid.CanVerify;
    }
}
