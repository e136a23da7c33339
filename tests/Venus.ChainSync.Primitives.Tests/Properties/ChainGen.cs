using System.Numerics;
using CsCheck;

namespace Venus.ChainSync.Primitives.Tests.Properties;

/// <summary>The fields a <see cref="BlockHeader"/> is built from, kept so a property can compare them after a round trip.</summary>
internal sealed record HeaderFields(
    Address Miner,
    Ticket? Ticket,
    ElectionProof? ElectionProof,
    BeaconEntry[] BeaconEntries,
    PoStProof[] WinPoStProof,
    Cid[] Parents,
    BigInteger ParentWeight,
    long Height,
    Cid ParentStateRoot,
    Cid ParentMessageReceipts,
    Cid Messages,
    Signature? BlsAggregate,
    ulong Timestamp,
    Signature? BlockSig,
    ulong ForkSignaling,
    BigInteger ParentBaseFee)
{
    public BlockHeader Create() => BlockHeader.Create(
        Miner, TipSetKey.Create(Parents), Height, ParentStateRoot, ParentMessageReceipts, Messages, ParentWeight, Ticket,
        ElectionProof, BeaconEntries, WinPoStProof, BlsAggregate, Timestamp, BlockSig, ForkSignaling, new TokenAmount(ParentBaseFee));
}

/// <summary>The fields a <see cref="Message"/> is built from.</summary>
internal sealed record MessageFields(
    ulong Version,
    Address To,
    Address From,
    ulong Nonce,
    BigInteger Value,
    long GasLimit,
    BigInteger GasFeeCap,
    BigInteger GasPremium,
    ulong Method,
    byte[] Params)
{
    public Message Create() => Message.Create(
        To, From, Nonce, new TokenAmount(Value), GasLimit, new TokenAmount(GasFeeCap), new TokenAmount(GasPremium), Method, Params, Version);
}

/// <summary>
/// Generators of valid chain values for the property tests. Every numeric generator mixes uniform values with the
/// edges where a CBOR head changes size (23/24, 255/256, 65535/65536, 2^32) and the ends of its range.
/// </summary>
internal static class ChainGen
{
    public static readonly Gen<ulong> AnyULong = Gen.Frequency<ulong>(
        (4, Gen.ULong),
        (1, Gen.OneOf(0UL, 1UL, 23UL, 24UL, 255UL, 256UL, 65535UL, 65536UL, uint.MaxValue, uint.MaxValue + 1UL, (ulong)long.MaxValue, ulong.MaxValue)));

    public static readonly Gen<long> AnyLong = Gen.Frequency<long>(
        (4, Gen.Long),
        (1, Gen.OneOf(0L, -1L, 23L, 24L, -24L, -25L, 255L, -256L, -257L, 65536L, -65537L, int.MinValue, uint.MaxValue + 1L, long.MaxValue, long.MinValue, long.MinValue + 1)));

    /// <summary>Non-negative big integers: 0, values around 2^64, the longest Filecoin accepts (127 magnitude bytes), and random ones.</summary>
    public static readonly Gen<BigInteger> NonNegativeBigInt = Gen.Frequency<BigInteger>(
        (1, Gen.OneOf(
            BigInteger.Zero,
            BigInteger.One,
            new BigInteger(ulong.MaxValue),
            BigInteger.One << 64,
            (BigInteger.One << 64) + 1,
            BigInteger.Pow(10, 18),
            (BigInteger.One << (8 * (FilecoinBigInt.MaxSerializedLength - 1))) - 1)),
        (4, Gen.Byte.Array[0, 40].Select(b => new BigInteger(b, isUnsigned: true, isBigEndian: true))));

    public static readonly Gen<BigInteger> SignedBigInt = Gen.Select(NonNegativeBigInt, Gen.Bool, (m, negative) => negative ? -m : m);

    public static readonly Gen<Address> AnyAddress = Gen.OneOf(
        Gen.Frequency<ulong>((3, Gen.ULong[0, long.MaxValue]), (1, Gen.OneOf(0UL, 127UL, 128UL, (ulong)long.MaxValue))).Select(id => Address.NewId(id)),
        Gen.Byte.Array[Address.PayloadHashLength].Select(p => Address.NewSecp256k1(p)),
        Gen.Byte.Array[Address.PayloadHashLength].Select(p => Address.NewActor(p)),
        Gen.Byte.Array[Address.BlsPublicKeyLength].Select(p => Address.NewBls(p)),
        Gen.Select(Gen.ULong[0, long.MaxValue], Gen.Byte.Array[0, Address.MaxSubaddressLength], (ns, sub) => Address.NewDelegated(ns, sub)));

    /// <summary>Chain CIDs (v1, dag-cbor, blake2b-256), as every chain object is named.</summary>
    public static readonly Gen<Cid> ChainCid = Gen.Byte.Array[0, 48].Select(b => Cid.ComputeDagCbor(b));

    /// <summary>Any CID DAG-CBOR may carry: chain CIDs, v1 with random codec and multihash, and v0.</summary>
    public static readonly Gen<Cid> AnyCid = Gen.Frequency<Cid>(
        (4, ChainCid),
        (1, Gen.Select(AnyULong, AnyULong, Gen.Byte.Array[0, Multihash.MaxDigestLength], (codec, code, digest) => Cid.Create(codec, Multihash.Create(code, digest)))),
        (1, Gen.Byte.Array[32].Select(digest => Cid.FromBytes([0x12, 0x20, .. digest]))));

    /// <summary>Signatures of every decodable type with 0 to 199 data bytes (200 encoded, the most accepted).</summary>
    public static readonly Gen<Signature> AnySignature = Gen.Select(
        Gen.Int[1, 3],
        Gen.Frequency<byte[]>((4, Gen.Byte.Array[0, Signature.MaxLength - 1]), (1, Gen.Byte.Array[Signature.MaxLength - 1])),
        (type, data) => new Signature((SignatureType)type, data));

    public static readonly Gen<Ticket> AnyTicket = Gen.Byte.Array[0, 128].Select(p => new Ticket(p));

    public static readonly Gen<ElectionProof> AnyElectionProof = Gen.Select(AnyLong, Gen.Byte.Array[0, 128], (w, p) => new ElectionProof(w, p));

    public static readonly Gen<BeaconEntry> AnyBeaconEntry = Gen.Select(AnyULong, Gen.Byte.Array[0, 96], (r, d) => new BeaconEntry(r, d));

    public static readonly Gen<PoStProof> AnyPoStProof = Gen.Select(AnyLong, Gen.Byte.Array[0, 192], (t, p) => new PoStProof(t, p));

    public static readonly Gen<HeaderFields> Header = Gen.Select(
        Gen.Select(
            AnyAddress,
            Optional(AnyTicket),
            Optional(AnyElectionProof),
            AnyBeaconEntry.Array[0, 3],
            AnyPoStProof.Array[0, 2],
            AnyCid.Array[1, 5],
            NonNegativeBigInt,
            AnyLong),
        Gen.Select(
            AnyCid,
            AnyCid,
            ChainCid,
            Optional(AnySignature),
            AnyULong,
            Optional(AnySignature),
            AnyULong,
            NonNegativeBigInt),
        (a, b) => new HeaderFields(
            a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, a.Item8,
            b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6, b.Item7, b.Item8));

    public static readonly Gen<MessageFields> Message = Gen.Select(
        Gen.Select(Gen.Frequency<ulong>((3, Gen.Const(0UL)), (1, AnyULong)), AnyAddress, AnyAddress, AnyULong, SignedBigInt),
        Gen.Select(AnyLong, SignedBigInt, SignedBigInt, AnyULong, Gen.Byte.Array[0, 300]),
        (a, b) => new MessageFields(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5));

    /// <summary>Absent a quarter of the time.</summary>
    public static Gen<T?> Optional<T>(Gen<T> gen)
        where T : struct =>
        Gen.Frequency<T?>((1, Gen.Const(default(T?))), (3, gen.Select(v => (T?)v)));
}
