using Venus.ChainSync.Primitives.Amt;
using Venus.ChainSync.Primitives.Cbor;
using static Venus.ChainSync.Primitives.Tests.Hostile.HostileInput;

namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>
/// Nesting far deeper than <see cref="DagCborReader.MaxDepth"/> is refused at the depth limit rather than recursed
/// into (a stack overflow would kill the test host, so these passing is the proof there is none).
/// </summary>
public class DeepNestingTests
{
    private const int Deep = 10_000;

    // One level of map nesting: a one-entry map with key "a" whose value is the next level.
    private static readonly byte[] MapLevel = [0xa1, 0x61, 0x61];

    [Fact]
    public void Arrays_nested_10000_deep_are_refused_at_the_depth_limit()
    {
        byte[] input = [.. Enumerable.Repeat((byte)0x81, Deep), 0x00];

        DagCborException error = AssertRefused(input, static b => DagCbor.Validate(b));

        // Each level is one byte, so the item past the limit starts at offset MaxDepth + 1.
        Assert.Equal(DagCborReader.MaxDepth + 1, error.Offset);
    }

    [Fact]
    public void Maps_nested_10000_deep_are_refused_at_the_depth_limit()
    {
        byte[] input = [.. Enumerable.Repeat(MapLevel, Deep).SelectMany(level => level), 0x00];

        DagCborException error = AssertRefused(input, static b => DagCbor.Validate(b));

        Assert.Equal((DagCborReader.MaxDepth + 1) * MapLevel.Length, error.Offset);
    }

    [Fact]
    public void Alternating_arrays_and_maps_nested_10000_deep_are_refused()
    {
        byte[] input = [.. Enumerable.Repeat<byte[]>([0x81, .. MapLevel], Deep / 2).SelectMany(level => level), 0x00];

        AssertRefused(input, static b => DagCbor.Validate(b));
    }

    [Fact]
    public void Nesting_exactly_at_the_depth_limit_is_accepted_and_one_level_more_is_refused()
    {
        byte[] atLimit = [.. Enumerable.Repeat((byte)0x81, DagCborReader.MaxDepth), 0x00];
        byte[] overLimit = [0x81, .. atLimit];

        DagCbor.Validate(atLimit);
        AssertRefused(overLimit, static b => DagCbor.Validate(b));
    }

    [Theory]
    [InlineData(HeaderField.Ticket)]
    [InlineData(HeaderField.BeaconEntries)]
    [InlineData(HeaderField.Parents)]
    public void Arrays_nested_10000_deep_inside_a_header_field_are_refused(int field)
    {
        byte[] original = HeaderBytes();
        int fieldStart = FieldRanges(original)[field].Start;
        byte[] header = ReplaceField(original, field, [.. Enumerable.Repeat((byte)0x81, Deep), 0x00]);

        DagCborException validation = AssertRefused(header, static b => DagCbor.Validate(b));
        AssertRefused(header, static b => BlockHeader.Decode(b));

        // The header array is depth 0 and its fields depth 1, so the limit is passed MaxDepth bytes into the field.
        Assert.Equal(fieldStart + DagCborReader.MaxDepth, validation.Offset);
    }

    [Fact]
    public void Maps_nested_10000_deep_inside_an_amt_leaf_value_are_refused()
    {
        // Root [height 0, count 1, [bitmap 0b1, no links, [value]]] whose one value nests 10 000 maps.
        byte[] root = [0x83, 0x00, 0x01, 0x83, 0x41, 0x01, 0x80, 0x81, .. Enumerable.Repeat(MapLevel, Deep).SelectMany(level => level), 0x00];

        AssertRefused(root, static b => AmtV0Root.Decode(b));
        AssertRefused(root, static b => AmtV0Node.Decode(b.AsMemory(3), 0));
        AssertRefused(root, static b => DagCbor.Validate(b));
    }
}
