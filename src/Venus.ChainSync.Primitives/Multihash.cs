using System.Diagnostics.CodeAnalysis;

namespace Venus.ChainSync.Primitives;

/// <summary>A multihash: a hash function code and its digest.</summary>
public readonly struct Multihash
{
    /// <summary>Longest digest accepted, which bounds allocation for untrusted input.</summary>
    public const int MaxDigestLength = 128;

    private readonly byte[] _source;
    private readonly int _digestOffset;
    private readonly int _digestLength;

    private Multihash(ulong code, byte[] source, int digestOffset, int digestLength)
    {
        Code = code;
        _source = source;
        _digestOffset = digestOffset;
        _digestLength = digestLength;
    }

    /// <summary>Hash function code (<see cref="MultihashCode"/>).</summary>
    public ulong Code { get; }

    /// <summary>The digest.</summary>
    public ReadOnlySpan<byte> Digest => _source.AsSpan(_digestOffset, _digestLength);

    /// <summary>Length of <c>code || length || digest</c>.</summary>
    public int EncodedLength => Varint.SizeOf(Code) + Varint.SizeOf((ulong)_digestLength) + _digestLength;

    /// <summary>Creates a multihash from a code and a digest (copied).</summary>
    public static Multihash Create(ulong code, ReadOnlySpan<byte> digest)
    {
        if (digest.Length > MaxDigestLength)
        {
            throw new ArgumentException($"A digest is at most {MaxDigestLength} bytes here.", nameof(digest));
        }

        return new Multihash(code, digest.ToArray(), 0, digest.Length);
    }

    /// <summary>Writes <c>code || length || digest</c>.</summary>
    public int WriteTo(Span<byte> destination)
    {
        int n = Varint.Write(Code, destination);
        n += Varint.Write((ulong)_digestLength, destination[n..]);
        Digest.CopyTo(destination[n..]);
        return n + _digestLength;
    }

    internal static bool TryMeasure(ReadOnlySpan<byte> bytes, out int length, [NotNullWhen(false)] out string? error)
    {
        length = 0;
        if (!Varint.TryRead(bytes, out _, out int codeLength))
        {
            error = "bad multihash code varint";
            return false;
        }

        if (!Varint.TryRead(bytes[codeLength..], out ulong digestLength, out int lengthLength))
        {
            error = "bad multihash length varint";
            return false;
        }

        if (digestLength > MaxDigestLength)
        {
            error = $"multihash digest of {digestLength} bytes is longer than {MaxDigestLength}";
            return false;
        }

        if ((ulong)(bytes.Length - codeLength - lengthLength) < digestLength)
        {
            error = "truncated multihash digest";
            return false;
        }

        length = codeLength + lengthLength + (int)digestLength;
        error = null;
        return true;
    }

    // The caller has already validated the structure with TryMeasure.
    internal static Multihash ReadUnchecked(byte[] source, int offset)
    {
        Varint.TryRead(source.AsSpan(offset), out ulong code, out int codeLength);
        Varint.TryRead(source.AsSpan(offset + codeLength), out ulong digestLength, out int lengthLength);
        return new Multihash(code, source, offset + codeLength + lengthLength, (int)digestLength);
    }
}
