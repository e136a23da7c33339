using System.Numerics;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Car;

namespace Venus.ChainSync.Cli.Tests.TestSupport;

/// <summary>
/// Builds chain blocks (headers, message metas, AMT nodes, messages) and writes them to a CAR file. Blocks keep
/// the order they were added in; adding the same CID twice keeps the first.
/// </summary>
internal sealed class ChainCarBuilder
{
    private readonly List<Block> _blocks = [];
    private readonly HashSet<Cid> _cids = [];

    /// <summary>A CID that no block here has: the stand-in state root and receipts of every header.</summary>
    public static Cid Unfollowed { get; } = Cid.ComputeDagCbor([0x80]);

    public IReadOnlyList<Block> Blocks => _blocks;

    public void Add(Cid cid, ReadOnlyMemory<byte> data)
    {
        if (_cids.Add(cid))
        {
            _blocks.Add(new Block(cid, data));
        }
    }

    /// <summary>Replaces the bytes stored for <paramref name="cid"/> without changing the CID.</summary>
    public void Replace(Cid cid, ReadOnlyMemory<byte> data)
    {
        int index = _blocks.FindIndex(b => b.Cid == cid);
        _blocks[index] = new Block(cid, data);
    }

    public void Remove(Cid cid)
    {
        _blocks.RemoveAll(b => b.Cid == cid);
        _cids.Remove(cid);
    }

    /// <summary>Adds the messages, their AMT nodes and the message meta; returns the meta.</summary>
    public MsgMeta AddMessages(IReadOnlyList<Message> bls, IReadOnlyList<SignedMessage> secpk)
    {
        foreach (Message message in bls)
        {
            Add(message.Cid, message.RawData);
        }

        foreach (SignedMessage message in secpk)
        {
            Add(message.Cid, message.RawData);
        }

        return MessageRoot.Compute([.. bls.Select(m => m.Cid)], [.. secpk.Select(m => m.Cid)], AddNode);
    }

    /// <summary>Adds a header with the given height, parents and message meta.</summary>
    public BlockHeader AddHeader(long height, IEnumerable<Cid> parents, Cid messages, ulong timestamp = 0, Address? miner = null)
    {
        BlockHeader header = BlockHeader.Create(
            miner ?? Address.NewId(1000),
            TipSetKey.Create(parents),
            height,
            Unfollowed,
            Unfollowed,
            messages,
            parentWeight: new BigInteger(height * 10),
            ticket: new Ticket(BitConverter.GetBytes(height)),
            timestamp: timestamp);
        Add(header.Cid, header.RawData);
        return header;
    }

    public void AddNode(AmtNodeBlock node) => Add(node.Cid, node.Data);

    /// <summary>Writes the blocks, in order, to a CAR file under <paramref name="roots"/>.</summary>
    public async Task<string> WriteAsync(string path, params Cid[] roots)
    {
        await using (FileStream file = File.Create(path))
        {
            await using CarWriter writer = await CarWriter.CreateAsync(file, roots, leaveOpen: true);
            foreach (Block block in _blocks)
            {
                await writer.WriteBlockAsync(block);
            }
        }

        return path;
    }

    /// <summary>An unsigned message from f0101 to f0102.</summary>
    public static Message NewMessage(ulong nonce, ulong value, ulong method) =>
        Message.Create(Address.NewId(102), Address.NewId(101), nonce, new TokenAmount(value), gasLimit: 1_000_000, method: method);

    /// <summary>A message from f0201 to f0202 with a secp256k1 signature of 65 random bytes.</summary>
    public static SignedMessage NewSignedMessage(ulong nonce, ulong value, ulong method)
    {
        Message message = Message.Create(Address.NewId(202), Address.NewId(201), nonce, new TokenAmount(value), gasLimit: 2_000_000, method: method);
        byte[] signature = new byte[65];
        Random.Shared.NextBytes(signature);
        return SignedMessage.Create(message, new Signature(SignatureType.Secp256k1, signature));
    }
}
