using System.Buffers;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Primitives.Car;

/// <summary>
/// The CAR v1 header block: the DAG-CBOR map <c>{"roots": [CID, …], "version": 1}</c>.
/// </summary>
/// <remarks>
/// Decoding is strict, as go-car's is: the header is a schema struct (<c>CarHeader {version Int, roots [&amp;Any]}</c>
/// in the CARv1 spec), and go-car decodes it into a struct whose decoder refuses map keys that are not fields, and
/// then refuses any version but 1 and an empty roots list. We refuse the same, and on top of that anything that is
/// not canonical DAG-CBOR: keys out of order, duplicate keys, trailing bytes.
/// </remarks>
internal static class CarHeader
{
    private const string RootsKey = "roots";
    private const string VersionKey = "version";

    /// <summary>Encodes the canonical header for <paramref name="roots"/>; keys are length-first, so roots precede version.</summary>
    public static byte[] Encode(IReadOnlyList<Cid> roots)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new DagCborWriter(buffer);
        writer.WriteMapHeader(2);
        writer.WriteTextString(RootsKey);
        writer.WriteArrayHeader(roots.Count);
        foreach (Cid root in roots)
        {
            writer.WriteCid(root);
        }

        writer.WriteTextString(VersionKey);
        writer.WriteUInt64(1);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a header that starts at byte <paramref name="offset"/> of the stream and returns its roots.</summary>
    /// <exception cref="CarFormatException">The header is malformed, is not version 1, or has no roots.</exception>
    public static Cid[] Decode(ReadOnlySpan<byte> header, long offset)
    {
        ulong? version = null;
        Cid[]? roots = null;
        var reader = new DagCborReader(header);
        try
        {
            int count = reader.ReadMapHeader();
            for (int i = 0; i < count; i++)
            {
                int keyStart = reader.Position;
                string key = reader.ReadTextString();
                switch (key)
                {
                    case RootsKey when roots is not null:
                    case VersionKey when version is not null:
                        throw Fail($"duplicate header key '{key}'", offset + keyStart);
                    case RootsKey when version is not null:
                        throw Fail("header keys are not in canonical order ('roots' must precede 'version')", offset + keyStart);
                    case RootsKey:
                        roots = ReadRoots(ref reader);
                        break;
                    case VersionKey:
                        version = reader.ReadUInt64();
                        break;
                    default:
                        throw Fail($"unknown header key '{Printable(key)}'", offset + keyStart);
                }
            }

            reader.ExpectEnd();
        }
        catch (DagCborException ex)
        {
            throw new CarFormatException($"invalid CAR header: {ex.Reason}", offset + ex.Offset, ex);
        }

        // The CARv2 pragma is the header {"version": 2}, made so that v1 readers stop here with a version error.
        return version switch
        {
            null => throw Fail("the header has no version", offset),
            2 => throw Fail("CAR v2 is not supported (the input starts with the CARv2 pragma); only CAR v1 is read", offset),
            not 1 => throw Fail($"CAR version {version} is not supported; only CAR v1 is read", offset),
            _ when roots is null => throw Fail("the header has no roots", offset),
            _ when roots.Length == 0 => throw Fail("the header's roots list is empty", offset),
            _ => roots,
        };
    }

    private static Cid[] ReadRoots(ref DagCborReader reader)
    {
        // ReadArrayHeader bounds the count by the header bytes left, which MaxHeaderLength bounds in turn.
        var roots = new Cid[reader.ReadArrayHeader()];
        for (int i = 0; i < roots.Length; i++)
        {
            roots[i] = reader.ReadCid();
        }

        return roots;
    }

    private static CarFormatException Fail(string reason, long offset) => new($"invalid CAR header: {reason}", offset);

    private static string Printable(string key)
    {
        string shown = key.Length <= 40 ? key : key[..40] + "…";
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }
}
