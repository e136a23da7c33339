using Venus.ChainSync.Primitives.Hashing;

namespace Venus.ChainSync.Primitives.Tests.Chain;

public class TipSetTests
{
    private static readonly Cid Root = Cid.ComputeDagCbor("state"u8);
    private static readonly TipSetKey GenesisKey = TipSetKey.Create(Cid.ComputeDagCbor("genesis"u8));

    [Fact]
    public void Blocks_are_ordered_by_the_blake2b_of_their_ticket_proofs()
    {
        BlockHeader[] blocks = [.. Enumerable.Range(0, 5).Select(i => Block(height: 7, ticket: [(byte)i], miner: (ulong)(1000 + i)))];

        TipSet tipSet = TipSet.Create(blocks.Reverse());

        byte[][] hashes = [.. tipSet.Blocks.Select(b => TicketHash(b.Ticket!.Value))];
        for (int i = 1; i < hashes.Length; i++)
        {
            Assert.True(hashes[i - 1].AsSpan().SequenceCompareTo(hashes[i]) < 0);
        }

        Assert.Equal(tipSet.Blocks.Select(b => b.Cid), tipSet.Key.Cids);
        Assert.Equal(7, tipSet.Height);
        Assert.Same(tipSet.Blocks[0], tipSet.MinTicketBlock);
    }

    [Fact]
    public void Equal_tickets_are_ordered_by_block_cid_bytes()
    {
        BlockHeader a = Block(height: 3, ticket: [9], miner: 1);
        BlockHeader b = Block(height: 3, ticket: [9], miner: 2);

        TipSet tipSet = TipSet.Create(b, a);

        Assert.True(tipSet.Blocks[0].Cid.CompareTo(tipSet.Blocks[1].Cid) < 0);
        Assert.Equal(TipSet.Create(a, b).Key, tipSet.Key);
    }

    [Fact]
    public void Create_refuses_no_blocks_mixed_heights_mixed_parents_and_repeats()
    {
        BlockHeader a = Block(height: 3, ticket: [1], miner: 1);
        Assert.Throws<ArgumentException>(() => TipSet.Create(Array.Empty<BlockHeader>()));
        Assert.Throws<ArgumentException>(() => TipSet.Create(a, Block(height: 4, ticket: [2], miner: 2)));
        Assert.Throws<ArgumentException>(() => TipSet.Create(a, Block(height: 3, ticket: [2], miner: 2, parents: TipSetKey.Create(Root))));
        Assert.Throws<ArgumentException>(() => TipSet.Create(a, a));
        Assert.Throws<ArgumentException>(() => TipSet.Create(a, Block(height: 3, ticket: null, miner: 2)));
    }

    [Fact]
    public void Create_refuses_a_one_block_tipset_whose_block_has_no_ticket_as_Lotus_NewTipSet_does()
    {
        BlockHeader ticketless = Block(height: 3, ticket: null, miner: 1);

        Assert.Throws<ArgumentException>(() => TipSet.Create(ticketless));
        Assert.Single(TipSet.Create(Block(height: 3, ticket: [1], miner: 1)).Blocks);
    }

    [Fact]
    public void A_repeat_anywhere_in_the_input_is_found_after_sorting()
    {
        BlockHeader[] blocks = [.. Enumerable.Range(0, 6).Select(i => Block(height: 3, ticket: [(byte)i], miner: (ulong)(10 + i)))];

        Assert.Throws<ArgumentException>(() => TipSet.Create([blocks[4], .. blocks, blocks[1]]));
        Assert.Throws<ArgumentException>(() => TipSet.Create([.. blocks, blocks[0]]));
    }

    [Fact]
    public void The_widest_tipset_allowed_is_ordered_and_one_more_block_is_refused()
    {
        var random = new Random(7);
        BlockHeader[] blocks = [.. Enumerable.Range(0, TipSet.MaxBlocks + 1).Select(i => Block(height: 9, ticket: [(byte)i, (byte)(i * 7)], miner: (ulong)(100 + i)))];
        random.Shuffle(blocks);

        TipSet widest = TipSet.Create(blocks.Take(TipSet.MaxBlocks));

        for (int i = 1; i < widest.Blocks.Length; i++)
        {
            int byTicket = TicketHash(widest.Blocks[i - 1].Ticket!.Value).AsSpan().SequenceCompareTo(TicketHash(widest.Blocks[i].Ticket!.Value));
            Assert.True(byTicket < 0 || (byTicket == 0 && widest.Blocks[i - 1].Cid.CompareTo(widest.Blocks[i].Cid) < 0));
        }

        Assert.Throws<ArgumentException>(() => TipSet.Create(blocks));
    }

    [Fact]
    public void Child_links_to_parent_by_key_and_greater_height_across_null_rounds()
    {
        TipSet parent = TipSet.Create(Block(height: 3, ticket: [1], miner: 1), Block(height: 3, ticket: [2], miner: 2));
        TipSet child = TipSet.Create(Block(height: 6, ticket: [3], miner: 1, parents: parent.Key));
        TipSet notChild = TipSet.Create(Block(height: 6, ticket: [3], miner: 1, parents: TipSetKey.Create(parent.Key.Cids[0])));

        Assert.True(child.IsChildOf(parent));
        Assert.False(notChild.IsChildOf(parent));
        Assert.False(parent.IsChildOf(child));
    }

    [Fact]
    public void Full_block_messages_match_header_only_with_the_right_root()
    {
        Address from = Address.NewId(100);
        Message bls = Message.Create(Address.NewId(1), from, nonce: 0);
        SignedMessage secp = SignedMessage.Create(Message.Create(Address.NewId(2), from, nonce: 1), new Signature(SignatureType.Secp256k1, new byte[65]));
        MsgMeta meta = MessageRoot.Compute([bls.Cid], [secp.Cid]);
        BlockHeader header = BlockHeader.Create(Address.NewId(1000), GenesisKey, 1, Root, Root, meta.Cid, ticket: new Ticket(new byte[] { 1 }));

        var good = new FullBlock(header, [bls], [secp]);
        var swapped = new FullBlock(header, [], [secp]);

        Assert.True(good.MessagesMatchHeader());
        Assert.False(swapped.MessagesMatchHeader());
        Assert.True(FullTipSet.Create([good]).Blocks.All(b => b.MessagesMatchHeader()));
    }

    private static BlockHeader Block(long height, byte[]? ticket, ulong miner, TipSetKey? parents = null) =>
        BlockHeader.Create(
            Address.NewId(miner),
            parents ?? GenesisKey,
            height,
            Root,
            Root,
            MessageRoot.Compute([], []).Cid,
            ticket: ticket is null ? null : new Ticket(ticket));

    private static byte[] TicketHash(Ticket ticket)
    {
        var digest = new byte[32];
        Blake2b.Hash256(ticket.VrfProof.Span, digest);
        return digest;
    }
}

/// <summary>A <see cref="FullTipSet"/> holds only messages its headers commit to, whichever factory made it.</summary>
public class FullTipSetTests
{
    private static readonly Cid Root = Cid.ComputeDagCbor("state"u8);
    private static readonly TipSetKey Parents = TipSetKey.Create(Cid.ComputeDagCbor("genesis"u8));

    [Fact]
    public void Messages_other_than_the_header_commits_to_make_no_full_tipset()
    {
        (BlockHeader header, Message bls, SignedMessage secp) = Block();
        TipSet tipSet = TipSet.Create(header);

        Assert.True(FullTipSet.TryCreate(tipSet, [new FullBlock(header, [bls], [secp])], out FullTipSet? good, out _));
        Assert.Single(good!.Blocks);
        Assert.False(FullTipSet.TryCreate(tipSet, [new FullBlock(header, [], [secp])], out _, out int mismatched));
        Assert.Equal(0, mismatched);
        Assert.Throws<ArgumentException>(() => FullTipSet.Create([new FullBlock(header, [bls, bls], [secp])]));
    }

    [Fact]
    public void Checked_cids_pair_with_exactly_their_messages_without_hashing_the_root_again()
    {
        (BlockHeader header, Message bls, SignedMessage secp) = Block();

        Assert.Null(MessageRoot.Check(header, [secp.Cid], [bls.Cid]));
        CheckedMessageCids cids = MessageRoot.Check(header, [bls.Cid], [secp.Cid])!;

        Assert.True(FullTipSet.TryCreate(cids, [bls], [secp], out FullTipSet? full));
        Assert.Equal(header.Cid, full!.Blocks[0].Cid);
        Assert.False(FullTipSet.TryCreate(cids, [bls], [], out _));
        Assert.False(FullTipSet.TryCreate(cids, [Message.Create(Address.NewId(9), Address.NewId(8), nonce: 3)], [secp], out _));
    }

    private static (BlockHeader Header, Message Bls, SignedMessage Secp) Block()
    {
        Message bls = Message.Create(Address.NewId(1), Address.NewId(100), nonce: 0);
        SignedMessage secp = SignedMessage.Create(Message.Create(Address.NewId(2), Address.NewId(100), nonce: 1), new Signature(SignatureType.Secp256k1, new byte[65]));
        MsgMeta meta = MessageRoot.Compute([bls.Cid], [secp.Cid]);
        return (BlockHeader.Create(Address.NewId(1000), Parents, 1, Root, Root, meta.Cid, ticket: new Ticket(new byte[] { 1 })), bls, secp);
    }
}
