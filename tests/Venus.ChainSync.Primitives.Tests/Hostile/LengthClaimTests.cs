using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;
using static Venus.ChainSync.Primitives.Tests.Hostile.HostileInput;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>
/// Heads that claim far more items or bytes than the input holds are refused before anything is sized from them.
/// The allocation bound is on bytes allocated by the thread, not on time.
/// </summary>
public class LengthClaimTests
{
    private const int AllocationBudget = 64 * 1024;
    private const ulong Huge = 1UL << 62;

    public static TheoryData<int, ulong> Claims() => new()
    {
        { 2, Huge },             // byte string
        { 3, Huge },             // text string
        { 4, Huge },             // array
        { 5, Huge },             // map
        { 2, ulong.MaxValue },
        { 4, ulong.MaxValue },
        { 5, ulong.MaxValue },
        { 2, uint.MaxValue + 1UL }, // wraps to 0 in a careless cast to int
        { 4, uint.MaxValue + 1UL },
        { 2, int.MaxValue + 1UL },  // wraps negative in a careless cast to int
        { 4, int.MaxValue },
        { 3, int.MaxValue },
        { 2, 1 << 20 },
        { 4, 1 << 20 },
        { 5, 1 << 20 },
        { 4, DagCbor.MaxListLength }, // within the list bound, so only the remaining-bytes check stops it
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public void Top_level_length_claim_beyond_the_input_is_refused_without_allocating(int major, ulong claim)
    {
        byte[] input = [.. Head(major, claim), 0x00, 0x00, 0x00];

        AssertRefusedCheaply(input, static b => DagCbor.Validate(b));
        AssertRefusedCheaply(input, static b => BlockHeader.Decode(b));
        AssertRefusedCheaply(input, static b => Message.Decode(b));
        AssertRefusedCheaply(input, static b => AmtV0Root.Decode(b));
    }

    public static TheoryData<int, int, ulong> HeaderPositions() => new()
    {
        { HeaderField.Miner, 2, Huge },
        { HeaderField.Miner, 3, Huge },
        { HeaderField.Ticket, 4, Huge },
        { HeaderField.Ticket, 5, Huge },
        { HeaderField.ElectionProof, 4, Huge },
        { HeaderField.BeaconEntries, 4, Huge },
        { HeaderField.WinPoStProof, 4, Huge },
        { HeaderField.Parents, 4, Huge },
        { HeaderField.Parents, 5, Huge },
        { HeaderField.ParentWeight, 2, Huge },
        { HeaderField.BlsAggregate, 2, Huge },
        { HeaderField.BlockSig, 2, Huge },
        { HeaderField.ParentBaseFee, 2, Huge },
        { HeaderField.Miner, 2, 1 << 20 },
        { HeaderField.BeaconEntries, 4, DagCbor.MaxListLength },
        { HeaderField.WinPoStProof, 4, DagCbor.MaxListLength },
        { HeaderField.Parents, 4, DagCbor.MaxListLength },
    };

    [Theory]
    [MemberData(nameof(HeaderPositions))]
    public void Length_claim_beyond_the_input_in_a_header_field_is_refused_where_the_field_starts_without_allocating(int field, int major, ulong claim)
    {
        byte[] header = ReplaceField(HeaderBytes(), field, Head(major, claim));

        DagCborException error = AssertRefusedCheaply(header, static b => BlockHeader.Decode(b));

        Assert.Equal(FieldRanges(HeaderBytes())[field].Start, error.Offset);
        AssertRefusedCheaply(header, static b => DagCbor.Validate(b));
    }

    [Fact]
    public void Length_claim_of_2_pow_62_inside_a_beacon_entry_is_refused_without_allocating()
    {
        // [1 entry: [round, data claiming 2^62 bytes]] in place of the beacon list.
        byte[] header = ReplaceField(HeaderBytes(), HeaderField.BeaconEntries, [0x81, 0x82, 0x01, .. Head(2, Huge)]);

        AssertRefusedCheaply(header, static b => BlockHeader.Decode(b));
    }

    [Fact]
    public void Length_claim_of_2_pow_62_in_message_params_and_receipt_return_is_refused_without_allocating()
    {
        AssertRefusedCheaply(ReplaceField(MessageBytes(), MessageField.Params, Head(2, Huge)), static b => Message.Decode(b));
        AssertRefusedCheaply(ReplaceField(ReceiptBytes(), 1, Head(2, Huge)), static b => MessageReceipt.Decode(b));
    }

    [Fact]
    public void Amt_node_claiming_2_pow_62_values_is_refused_without_allocating()
    {
        byte[] root = [0x83, 0x00, 0x01, 0x83, 0x41, 0x01, 0x80, .. Head(4, Huge), 0x00];

        AssertRefusedCheaply(root, static b => AmtV0Root.Decode(b));
    }

    [Fact]
    public void List_longer_than_the_chain_bound_is_refused_even_when_the_bytes_are_there()
    {
        // 8 193 one-byte items: honest about its length, but more parents than any chain object may hold.
        byte[] parents = [0x99, 0x20, 0x01, .. Enumerable.Repeat((byte)0x00, DagCbor.MaxListLength + 1)];
        byte[] header = ReplaceField(HeaderBytes(), HeaderField.Parents, parents);

        DagCborException error = AssertRefused(header, static b => BlockHeader.Decode(b));

        Assert.Equal(FieldRanges(HeaderBytes())[HeaderField.Parents].Start, error.Offset);
    }

    private static DagCborException AssertRefusedCheaply(byte[] input, Action<byte[]> decode)
    {
        // The first call warms up the JIT and static state, so the measured call sees only what decoding allocates.
        AssertRefused(input, decode);
        long before = GC.GetAllocatedBytesForCurrentThread();
        DagCborException? error = null;
        try
        {
            decode(input);
        }
        catch (DagCborException ex)
        {
            error = ex;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotNull(error);
        Assert.InRange(allocated, 0, AllocationBudget);
        return error;
    }
}
