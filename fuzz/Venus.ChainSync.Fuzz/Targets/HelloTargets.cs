using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// The <c>/fil/hello/1.0.0</c> greeting and its latency answer. Both decoders refuse with
/// <see cref="DagCborException"/>. Both round-trip exactly, except a greeting whose weight arrived with leading
/// zeros (accepted, as by Lotus, and written back shortest): that one must still decode back to an equal greeting.
/// </summary>
internal static class HelloTargets
{
    private const int WeightField = 2;

    public static void Greeting(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        HelloMessage hello;
        try
        {
            hello = meter.Call(() => HelloMessage.Decode(input.Span));
        }
        catch (DagCborException)
        {
            return;
        }

        byte[] encoded = hello.Encode();
        if (BigIntFields.AllShortest(input.Span, WeightField))
        {
            RoundTrip.Bytes("HelloMessage.Encode", input.Span, encoded);
        }

        RoundTrip.That(HelloMessage.Decode(encoded) == hello, "HelloMessage.Encode does not decode back to an equal greeting");
    }

    public static void Latency(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        LatencyMessage latency;
        try
        {
            latency = meter.Call(() => LatencyMessage.Decode(input.Span));
        }
        catch (DagCborException)
        {
            return;
        }

        RoundTrip.Bytes("LatencyMessage.Encode", input.Span, latency.Encode());
    }
}
