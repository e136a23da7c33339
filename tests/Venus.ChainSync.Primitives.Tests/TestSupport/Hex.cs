namespace Venus.ChainSync.Primitives.Tests.TestSupport;

/// <summary>Lower-case hex without a prefix, as the vectors write it.</summary>
public static class Hex
{
    public static byte[] Decode(string hex) => Convert.FromHexString(hex);

    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
