namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>
/// The echo command's payload, as peer.mjs generates it (echo.mjs <c>pseudoRandomBytes</c>): xorshift32 with
/// shifts 13, 17, 5 from state <c>seed</c> (0 becomes 0x9e3779b9), each step's state written little-endian. A .NET
/// host test can produce the same bytes, or check what a JS client sent it.
/// </summary>
public static class EchoBytes
{
    public static byte[] Generate(int length, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var output = new byte[length];
        uint x = seed == 0 ? 0x9e3779b9 : unchecked((uint)seed);
        for (int at = 0; at < length; at += 4)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            for (int i = 0; i < 4 && at + i < length; i++)
            {
                output[at + i] = (byte)(x >> (8 * i));
            }
        }

        return output;
    }
}
