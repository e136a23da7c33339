using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives;

/// <summary>
/// A Filecoin block header: a 16-field CBOR array, named by the CID of its canonical bytes.
/// </summary>
/// <remarks>
/// <para>Instances are immutable and only exist valid: they come from <see cref="Decode"/> (strict DAG-CBOR, exactly
/// 16 fields, each of the Lotus type) or from <see cref="Create"/>, which encodes the fields and decodes them
/// back. <see cref="RawData"/> is the canonical encoding and <see cref="Cid"/> is computed from it. Byte fields are
/// views into <see cref="RawData"/>.</para>
/// <para><b>One identity per block, Lotus's.</b> Lotus names a header by the CID of its re-encoding
/// (<c>chain/types/blockheader.go</c> <c>Cid</c> → <c>ToStorageBlock</c> → <c>Serialize</c>), and its decoder
/// (cbor-gen) takes exactly one family of non-canonical input: big integers with leading zero bytes or a signed
/// zero (go-state-types <c>big.FromBytes</c>); every longer integer or length head is refused, as the strict reader
/// here refuses it. So a header read with such a big integer is re-encoded, and <see cref="RawData"/> and
/// <see cref="Cid"/> are those of the canonical form: a re-encoded copy of a genuine block is the genuine block
/// here, as in Lotus, and cannot pass for a second block of its miner at its height. Canonical input (everything
/// an honest node sends) is kept as received and costs one comparison per big integer more.</para>
/// </remarks>
public sealed class BlockHeader
{
    private const int FieldCount = 16;
    private Cid _cid;

    private BlockHeader(ReadOnlyMemory<byte> rawData) => RawData = rawData;

    /// <summary>The miner that produced the block.</summary>
    public Address Miner { get; private init; }

    /// <summary>The ticket (absent only in malformed or test headers).</summary>
    public Ticket? Ticket { get; private init; }

    /// <summary>The election proof (absent in some test headers).</summary>
    public ElectionProof? ElectionProof { get; private init; }

    /// <summary>drand entries since the parent.</summary>
    public ImmutableArray<BeaconEntry> BeaconEntries { get; private init; }

    /// <summary>Winning PoSt proofs.</summary>
    public ImmutableArray<PoStProof> WinPoStProof { get; private init; }

    /// <summary>The parent tipset.</summary>
    public TipSetKey Parents { get; private init; } = TipSetKey.Empty;

    /// <summary>Weight of the parent tipset.</summary>
    public BigInteger ParentWeight { get; private init; }

    /// <summary>Epoch of the block.</summary>
    public long Height { get; private init; }

    /// <summary>State root after executing the parent tipset.</summary>
    public Cid ParentStateRoot { get; private init; }

    /// <summary>Root of the receipts of the parent tipset's messages.</summary>
    public Cid ParentMessageReceipts { get; private init; }

    /// <summary>CID of the block's <see cref="MsgMeta"/>.</summary>
    public Cid Messages { get; private init; }

    /// <summary>Aggregate of the block's BLS message signatures.</summary>
    public Signature? BlsAggregate { get; private init; }

    /// <summary>Unix time in seconds.</summary>
    public ulong Timestamp { get; private init; }

    /// <summary>The miner's signature over <see cref="SigningBytes"/>.</summary>
    public Signature? BlockSig { get; private init; }

    /// <summary>Fork signalling bits.</summary>
    public ulong ForkSignaling { get; private init; }

    /// <summary>Base fee of the parent tipset.</summary>
    public TokenAmount ParentBaseFee { get; private init; }

    /// <summary>The bytes the header was decoded from, or their canonical re-encoding when they were not canonical.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>The block CID, computed once from <see cref="RawData"/> (so over the canonical form, as Lotus computes it).</summary>
    public Cid Cid
    {
        // A benign race: two threads may both hash, and both store the same value.
        get => _cid.IsDefined ? _cid : _cid = Cid.ComputeDagCbor(RawData.Span);
    }

    /// <summary>
    /// Decodes a header that fills <paramref name="data"/> exactly. The header keeps <paramref name="data"/> as
    /// <see cref="RawData"/>: pass memory that is not reused afterwards.
    /// </summary>
    /// <exception cref="DagCborException">The bytes are not one strict 16-field header.</exception>
    public static BlockHeader Decode(ReadOnlyMemory<byte> data) => DagCbor.DecodeWhole(data, Read);

    /// <summary>
    /// Reads one header at the reader's position. The header's <see cref="RawData"/> is the slice of
    /// <paramref name="source"/> (the memory the reader reads) that it took, or a canonical re-encoding of it when
    /// one of its big integers was not in the shortest form.
    /// </summary>
    public static BlockHeader Read(ref DagCborReader reader, ReadOnlyMemory<byte> source)
    {
        int start = reader.Position;
        reader.ReadArrayHeader(FieldCount, "BlockHeader");
        Address miner = Address.Read(ref reader);
        Ticket? ticket = reader.TryReadNull() ? null : Primitives.Ticket.Read(ref reader, source);
        ElectionProof? election = reader.TryReadNull() ? null : Primitives.ElectionProof.Read(ref reader, source);

        int beaconCount = reader.ReadBoundedArrayHeader("BlockHeader.BeaconEntries");
        var beacons = beaconCount == 0 ? [] : new BeaconEntry[beaconCount];
        for (int i = 0; i < beaconCount; i++)
        {
            beacons[i] = BeaconEntry.Read(ref reader, source);
        }

        int proofCount = reader.ReadBoundedArrayHeader("BlockHeader.WinPoStProof");
        var proofs = proofCount == 0 ? [] : new PoStProof[proofCount];
        for (int i = 0; i < proofCount; i++)
        {
            proofs[i] = PoStProof.Read(ref reader, source);
        }

        TipSetKey parents = TipSetKey.ReadList(ref reader, "BlockHeader.Parents");
        bool canonical = true;
        BigInteger parentWeight = FilecoinBigInt.Read(ref reader, ref canonical);
        long height = reader.ReadInt64();
        Cid stateRoot = reader.ReadCidField("BlockHeader.ParentStateRoot");
        Cid receipts = reader.ReadCidField("BlockHeader.ParentMessageReceipts");
        Cid messages = reader.ReadCidField("BlockHeader.Messages");
        Signature? blsAggregate = Signature.ReadNullable(ref reader, source);
        ulong timestamp = reader.ReadUInt64();
        Signature? blockSig = Signature.ReadNullable(ref reader, source);
        ulong forkSignaling = reader.ReadUInt64();
        BigInteger baseFee = FilecoinBigInt.Read(ref reader, ref canonical);

        var header = new BlockHeader(source[start..reader.Position])
        {
            Miner = miner,
            Ticket = ticket,
            ElectionProof = election,
            BeaconEntries = ImmutableCollectionsMarshal.AsImmutableArray(beacons),
            WinPoStProof = ImmutableCollectionsMarshal.AsImmutableArray(proofs),
            Parents = parents,
            ParentWeight = parentWeight,
            Height = height,
            ParentStateRoot = stateRoot,
            ParentMessageReceipts = receipts,
            Messages = messages,
            BlsAggregate = blsAggregate,
            Timestamp = timestamp,
            BlockSig = blockSig,
            ForkSignaling = forkSignaling,
            ParentBaseFee = new TokenAmount(baseFee),
        };

        // Lotus's identity for this header is its re-encoding (see the remarks), so that becomes its bytes. The
        // re-encoding is canonical, so decoding it does not come back here.
        return canonical ? header : Decode(DagCbor.Encode(header, static (w, h) => h.EncodeFields(w)));
    }

    /// <summary>Builds a header from its fields: encodes them canonically and decodes the result.</summary>
    public static BlockHeader Create(
        Address miner,
        TipSetKey parents,
        long height,
        Cid parentStateRoot,
        Cid parentMessageReceipts,
        Cid messages,
        BigInteger parentWeight = default,
        Ticket? ticket = null,
        ElectionProof? electionProof = null,
        IEnumerable<BeaconEntry>? beaconEntries = null,
        IEnumerable<PoStProof>? winPoStProof = null,
        Signature? blsAggregate = null,
        ulong timestamp = 0,
        Signature? blockSig = null,
        ulong forkSignaling = 0,
        TokenAmount parentBaseFee = default)
    {
        ArgumentNullException.ThrowIfNull(parents);
        var template = new BlockHeader(ReadOnlyMemory<byte>.Empty)
        {
            Miner = miner,
            Ticket = ticket,
            ElectionProof = electionProof,
            BeaconEntries = [.. beaconEntries ?? []],
            WinPoStProof = [.. winPoStProof ?? []],
            Parents = parents,
            ParentWeight = parentWeight,
            Height = height,
            ParentStateRoot = parentStateRoot,
            ParentMessageReceipts = parentMessageReceipts,
            Messages = messages,
            BlsAggregate = blsAggregate,
            Timestamp = timestamp,
            BlockSig = blockSig,
            ForkSignaling = forkSignaling,
            ParentBaseFee = parentBaseFee,
        };
        return Decode(DagCbor.Encode(template, static (w, h) => h.WriteFields(w, includeSignature: true)));
    }

    /// <summary>Returns a copy of this header with another block signature (how a miner signs a header).</summary>
    public BlockHeader WithBlockSig(Signature? blockSig) =>
        Create(Miner, Parents, Height, ParentStateRoot, ParentMessageReceipts, Messages, ParentWeight, Ticket, ElectionProof,
            BeaconEntries, WinPoStProof, BlsAggregate, Timestamp, blockSig, ForkSignaling, ParentBaseFee);

    /// <summary>The bytes a miner signs: this header encoded with <see cref="BlockSig"/> set to <c>null</c>.</summary>
    public byte[] SigningBytes() => DagCbor.Encode(this, static (w, h) => h.WriteFields(w, includeSignature: false));

    /// <summary>Writes the header: its exact <see cref="RawData"/>.</summary>
    public void WriteTo(DagCborWriter writer) => writer.WriteRaw(RawData.Span);

    /// <summary>
    /// Encodes the fields afresh (canonically). For a decoded header this gives back <see cref="RawData"/>
    /// exactly; <see cref="WriteTo"/> is what to call when sending a header on.
    /// </summary>
    public void EncodeFields(DagCborWriter writer) => WriteFields(writer, includeSignature: true);

    /// <inheritdoc/>
    public override string ToString() => $"BlockHeader {Cid} @{Height} by {Miner}";

    private void WriteFields(DagCborWriter w, bool includeSignature)
    {
        w.WriteArrayHeader(FieldCount);
        Miner.WriteTo(w);
        WriteOptional(w, Ticket, static (w, t) => t.WriteTo(w));
        WriteOptional(w, ElectionProof, static (w, e) => e.WriteTo(w));
        w.WriteArrayHeader(BeaconEntries.Length);
        foreach (BeaconEntry entry in BeaconEntries)
        {
            entry.WriteTo(w);
        }

        w.WriteArrayHeader(WinPoStProof.Length);
        foreach (PoStProof proof in WinPoStProof)
        {
            proof.WriteTo(w);
        }

        Parents.WriteAsList(w);
        FilecoinBigInt.Write(w, ParentWeight);
        w.WriteInt64(Height);
        w.WriteCid(ParentStateRoot);
        w.WriteCid(ParentMessageReceipts);
        w.WriteCid(Messages);
        WriteOptional(w, BlsAggregate, static (w, s) => s.WriteTo(w));
        w.WriteUInt64(Timestamp);
        WriteOptional(w, includeSignature ? BlockSig : null, static (w, s) => s.WriteTo(w));
        w.WriteUInt64(ForkSignaling);
        FilecoinBigInt.Write(w, ParentBaseFee.AttoFil);
    }

    private static void WriteOptional<T>(DagCborWriter writer, T? value, DagCborWriteAction<T> write)
        where T : struct
    {
        if (value is { } present)
        {
            write(writer, present);
        }
        else
        {
            writer.WriteNull();
        }
    }
}
