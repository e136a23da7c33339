using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// The generic strict reader: <see cref="DagCbor.Validate"/> skips one whole item of any shape, checking it all the
/// way down, and documents <see cref="DagCborException"/> as its only refusal.
/// </summary>
internal static class CborTargets
{
    public static void Validate(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        try
        {
            meter.Call(() => DagCbor.Validate(input.Span));
        }
        catch (DagCborException)
        {
            return;
        }

        // CBOR is prefix-free: no proper prefix of one item is a whole item, so a reader that accepts the input cut
        // short by a byte has read past what a length promised or stopped before it.
        if (input.Length > 0 && Accepts(input.Span[..^1]))
        {
            throw new FuzzFailure("DagCbor.Validate accepts both the input and the input without its last byte");
        }
    }

    private static bool Accepts(ReadOnlySpan<byte> data)
    {
        try
        {
            DagCbor.Validate(data);
            return true;
        }
        catch (DagCborException)
        {
            return false;
        }
    }
}
