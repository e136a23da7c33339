using System.Buffers.Binary;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>Indexes of a block header's fields, in wire order.</summary>
internal static class HeaderField
{
    public const int Miner = 0, Ticket = 1, ElectionProof = 2, BeaconEntries = 3, WinPoStProof = 4, Parents = 5, ParentWeight = 6,
        Height = 7, ParentStateRoot = 8, ParentMessageReceipts = 9, Messages = 10, BlsAggregate = 11, Timestamp = 12, BlockSig = 13,
        ForkSignaling = 14, ParentBaseFee = 15;
}

/// <summary>Indexes of a message's fields, in wire order.</summary>
internal static class MessageField
{
    public const int Version = 0, To = 1, From = 2, Nonce = 3, Value = 4, GasLimit = 5, GasFeeCap = 6, GasPremium = 7, Method = 8,
        Params = 9;
}

/// <summary>Well-formed objects to damage, ways to damage them, and the assertion every hostile test makes.</summary>
internal static class HostileInput
{
    public static Cid SomeCid { get; } = Cid.ComputeDagCbor([0x01, 0x02, 0x03]);

    /// <summary>A header with every optional part present, so every field has bytes to damage.</summary>
    public static byte[] HeaderBytes() => BlockHeader.Create(
        Address.NewId(1000),
        TipSetKey.Create(SomeCid, Cid.ComputeDagCbor([0x04])),
        height: 1_234_567,
        SomeCid,
        Cid.ComputeDagCbor([0x05]),
        Cid.ComputeDagCbor([0x06]),
        parentWeight: System.Numerics.BigInteger.Pow(10, 21),
        ticket: new Ticket(new byte[96]),
        electionProof: new ElectionProof(1, new byte[96]),
        beaconEntries: [new BeaconEntry(42, new byte[96])],
        winPoStProof: [new PoStProof(3, new byte[192])],
        blsAggregate: new Signature(SignatureType.Bls, new byte[96]),
        timestamp: 1_700_000_000,
        blockSig: new Signature(SignatureType.Bls, new byte[96]),
        forkSignaling: 0,
        parentBaseFee: new TokenAmount(100)).RawData.ToArray();

    public static Message MessageObject() => Message.Create(
        Address.NewId(1001),
        Address.NewSecp256k1(new byte[Address.PayloadHashLength]),
        nonce: 7,
        value: new TokenAmount(System.Numerics.BigInteger.Pow(10, 18)),
        gasLimit: 1_000_000,
        gasFeeCap: new TokenAmount(100_000),
        gasPremium: new TokenAmount(1_000),
        method: 2,
        parameters: new byte[] { 0x82, 0x01, 0x02 });

    public static byte[] MessageBytes() => MessageObject().RawData.ToArray();

    public static byte[] SignedMessageBytes() =>
        SignedMessage.Create(MessageObject(), new Signature(SignatureType.Secp256k1, new byte[65])).RawData.ToArray();

    public static byte[] ReceiptBytes() => MessageReceipt.Create(0, new byte[] { 0x40 }, 42, withEventsField: true, SomeCid).RawData.ToArray();

    /// <summary>Where each item of the top-level array <paramref name="encoded"/> starts and ends.</summary>
    public static (int Start, int End)[] FieldRanges(byte[] encoded)
    {
        var reader = new DagCborReader(encoded);
        var ranges = new (int Start, int End)[reader.ReadArrayHeader()];
        for (int i = 0; i < ranges.Length; i++)
        {
            int start = reader.Position;
            reader.SkipValue();
            ranges[i] = (start, reader.Position);
        }

        return ranges;
    }

    /// <summary><paramref name="encoded"/> with field <paramref name="field"/> of its top-level array replaced.</summary>
    public static byte[] ReplaceField(byte[] encoded, int field, ReadOnlySpan<byte> replacement)
    {
        (int start, int end) = FieldRanges(encoded)[field];
        return [.. encoded.AsSpan(0, start), .. replacement, .. encoded.AsSpan(end)];
    }

    /// <summary>The shortest CBOR head of major type <paramref name="major"/> (0–7) with argument <paramref name="argument"/>.</summary>
    public static byte[] Head(int major, ulong argument)
    {
        byte type = (byte)(major << 5);
        return argument switch
        {
            < 24 => [(byte)(type | (byte)argument)],
            <= byte.MaxValue => [(byte)(type | 24), (byte)argument],
            <= ushort.MaxValue => [(byte)(type | 25), (byte)(argument >> 8), (byte)argument],
            <= uint.MaxValue => [(byte)(type | 26), .. BigEndian(argument, 4)],
            _ => [(byte)(type | 27), .. BigEndian(argument, 8)],
        };
    }

    /// <summary>The CBOR encoding of a CID (tag 42 over <c>0x00 || cid</c>).</summary>
    public static byte[] EncodedCid(Cid cid) => DagCbor.Encode(cid, static (w, c) => w.WriteCid(c));

    /// <summary>
    /// Asserts that <paramref name="decode"/> refuses <paramref name="input"/> with <see cref="DagCborException"/>
    /// (and no other exception type) at an offset inside the input.
    /// </summary>
    public static DagCborException AssertRefused(byte[] input, Action<byte[]> decode)
    {
        DagCborException error = Assert.Throws<DagCborException>(() => decode(input));
        Assert.InRange(error.Offset, 0, input.Length);
        return error;
    }

    private static byte[] BigEndian(ulong value, int length)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes[(8 - length)..];
    }
}
