using System.Formats.Cbor;
using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// A block-header decoder built on System.Formats.Cbor (canonical mode), doing the same work as
/// <see cref="BlockHeader.Decode"/> — every field read and checked, CIDs and byte fields materialised — so the two
/// readers can be compared. Benchmark code only.
/// </summary>
internal static class SfcHeaderDecoder
{
    public readonly record struct Decoded(
        ReadOnlyMemory<byte> Miner, ReadOnlyMemory<byte> Ticket, long WinCount, ReadOnlyMemory<byte> ElectionVrf,
        (ulong Round, ReadOnlyMemory<byte> Data)[] Beacons, (long Proof, ReadOnlyMemory<byte> Bytes)[] Proofs,
        Cid[] Parents, BigInteger Weight, long Height, Cid StateRoot, Cid Receipts, Cid Messages,
        ReadOnlyMemory<byte> BlsAggregate, ulong Timestamp, ReadOnlyMemory<byte> BlockSig, ulong ForkSignaling, BigInteger BaseFee);

    public static Decoded Decode(CborReader reader, ReadOnlyMemory<byte> data)
    {
        reader.Reset(data);
        if (reader.ReadStartArray() != 16)
        {
            throw new FormatException("field count");
        }

        ReadOnlyMemory<byte> miner = reader.ReadDefiniteLengthByteString();
        reader.ReadStartArray();
        ReadOnlyMemory<byte> ticket = reader.ReadDefiniteLengthByteString();
        reader.ReadEndArray();
        reader.ReadStartArray();
        long winCount = reader.ReadInt64();
        ReadOnlyMemory<byte> vrf = reader.ReadDefiniteLengthByteString();
        reader.ReadEndArray();

        int beaconCount = reader.ReadStartArray() ?? throw new FormatException("indefinite");
        var beacons = new (ulong, ReadOnlyMemory<byte>)[beaconCount];
        for (int i = 0; i < beaconCount; i++)
        {
            reader.ReadStartArray();
            beacons[i] = (reader.ReadUInt64(), reader.ReadDefiniteLengthByteString());
            reader.ReadEndArray();
        }

        reader.ReadEndArray();
        int proofCount = reader.ReadStartArray() ?? throw new FormatException("indefinite");
        var proofs = new (long, ReadOnlyMemory<byte>)[proofCount];
        for (int i = 0; i < proofCount; i++)
        {
            reader.ReadStartArray();
            proofs[i] = (reader.ReadInt64(), reader.ReadDefiniteLengthByteString());
            reader.ReadEndArray();
        }

        reader.ReadEndArray();
        int parentCount = reader.ReadStartArray() ?? throw new FormatException("indefinite");
        var parents = new Cid[parentCount];
        for (int i = 0; i < parentCount; i++)
        {
            parents[i] = ReadCid(reader);
        }

        reader.ReadEndArray();
        BigInteger weight = FilecoinBigInt.FromBytes(reader.ReadDefiniteLengthByteString().Span);
        long height = reader.ReadInt64();
        Cid stateRoot = ReadCid(reader);
        Cid receipts = ReadCid(reader);
        Cid messages = ReadCid(reader);
        ReadOnlyMemory<byte> bls = reader.ReadDefiniteLengthByteString();
        ulong timestamp = reader.ReadUInt64();
        ReadOnlyMemory<byte> sig = reader.ReadDefiniteLengthByteString();
        ulong fork = reader.ReadUInt64();
        BigInteger baseFee = FilecoinBigInt.FromBytes(reader.ReadDefiniteLengthByteString().Span);
        reader.ReadEndArray();
        if (reader.BytesRemaining != 0)
        {
            throw new FormatException("trailing bytes");
        }

        return new Decoded(miner, ticket, winCount, vrf, beacons, proofs, parents, weight, height, stateRoot, receipts,
            messages, bls, timestamp, sig, fork, baseFee);
    }

    private static Cid ReadCid(CborReader reader)
    {
        if (reader.ReadTag() != (CborTag)42)
        {
            throw new FormatException("tag");
        }

        ReadOnlyMemory<byte> bytes = reader.ReadDefiniteLengthByteString();
        if (bytes.Span[0] != 0)
        {
            throw new FormatException("prefix");
        }

        return Cid.FromBytes(bytes.Span[1..]);
    }
}
