using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// The two wire forms of a tipset key: the concatenated binary CIDs (what the tipset CID hashes;
/// <see cref="TipSetKey.FromBytes"/> documents <see cref="FormatException"/>) and the CBOR list of CIDs in headers,
/// requests and greetings (<see cref="TipSetKey.ReadList"/>, <see cref="DagCborException"/>). Both round-trip exactly.
/// </summary>
internal static class TipSetKeyTargets
{
    public static void Bytes(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        TipSetKey key;
        try
        {
            key = meter.Call(() => TipSetKey.FromBytes(input.Span));
        }
        catch (FormatException)
        {
            return;
        }

        RoundTrip.Bytes("TipSetKey.ToBytes", input.Span, key.ToBytes());
        byte[] byteString = DagCbor.Encode(input, static (w, bytes) => w.WriteByteString(bytes.Span));
        RoundTrip.That(key.Cid == Cid.ComputeDagCbor(byteString), "TipSetKey.Cid is not the CID of the byte string of its bytes");
        RoundTrip.That(key == TipSetKey.Create(key.Cids), "TipSetKey.Create over the same CIDs gives another key");
    }

    public static void List(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        TipSetKey key;
        try
        {
            key = meter.Call(() =>
            {
                var reader = new DagCborReader(input.Span);
                TipSetKey read = TipSetKey.ReadList(ref reader, "TipSetKey");
                reader.ExpectEnd();
                return read;
            });
        }
        catch (DagCborException)
        {
            return;
        }

        RoundTrip.Bytes("TipSetKey.WriteAsList", input.Span, DagCbor.Encode(key, static (w, k) => k.WriteAsList(w)));
        RoundTrip.That(key.IsEmpty || TipSetKey.FromBytes(key.ToBytes()) == key, "the binary form of a key read from its list form does not read back as the same key");
    }
}
