using System.Buffers.Binary;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Storage.RocksDb;

/// <summary>
/// Keys and values of the <c>meta</c> column family. Keys start with one ASCII byte naming the record kind:
/// <c>format</c> (the format-version record), <c>m</c> + mark byte, <c>h</c> + 8-byte big-endian height (so the height
/// index sorts by height and a range above a height is one key range), <c>s</c> + the tipset key's bytes. Tipset keys
/// are stored in their byte form (<see cref="TipSetKey.ToBytes"/>, the concatenated binary CIDs); a state is its
/// state root's binary CID followed by its receipts root's.
/// </summary>
/// <remarks>Values come from disk and are untrusted: every decoder bounds lengths and names the key it failed on.</remarks>
internal static class MetaRecords
{
    /// <summary>The format this build writes and reads.</summary>
    public const uint FormatVersion = 1;

    /// <summary>At most this many bytes in a stored tipset key (far above any real tipset's few dozen CIDs).</summary>
    public const int MaxTipSetKeyBytes = 16 * 1024;

    /// <summary>At most this many bytes in a stored state (two CIDs).</summary>
    public const int MaxStateBytes = 1024;

    private const byte MarkPrefix = (byte)'m';
    private const byte HeightPrefix = (byte)'h';
    private const byte StatePrefix = (byte)'s';

    /// <summary>The key of the format-version record.</summary>
    public static byte[] FormatKey { get; } = "format"u8.ToArray();

    /// <summary>One past the last height key: the exclusive end of a height range.</summary>
    public static byte[] HeightsEnd { get; } = [HeightPrefix + 1];

    public static byte[] FormatValue(uint version)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, version);
        return value;
    }

    /// <summary>The version a format record holds, or null when it is not a format record.</summary>
    public static uint? ReadFormat(ReadOnlySpan<byte> value) => value.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(value) : null;

    public static byte[] MarkKey(ChainMark mark) => [MarkPrefix, (byte)mark];

    public static byte[] HeightKey(long height)
    {
        var key = new byte[9];
        key[0] = HeightPrefix;
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(1), height);
        return key;
    }

    public static byte[] StateKey(TipSetKey key)
    {
        byte[] bytes = key.ToBytes();
        var stored = new byte[1 + bytes.Length];
        stored[0] = StatePrefix;
        bytes.CopyTo(stored, 1);
        return stored;
    }

    public static byte[] StateValue(TipSetState state)
    {
        ReadOnlySpan<byte> stateRoot = state.StateRoot.Bytes;
        ReadOnlySpan<byte> receiptsRoot = state.ReceiptsRoot.Bytes;
        var value = new byte[stateRoot.Length + receiptsRoot.Length];
        stateRoot.CopyTo(value);
        receiptsRoot.CopyTo(value.AsSpan(stateRoot.Length));
        return value;
    }

    /// <summary>Decodes a stored tipset key (a mark or a height entry) read under <paramref name="key"/>.</summary>
    /// <exception cref="RocksDbStoreException">The value is not a non-empty tipset key.</exception>
    public static TipSetKey ReadTipSetKey(ReadOnlySpan<byte> value, ReadOnlySpan<byte> key)
    {
        if (value.IsEmpty || value.Length > MaxTipSetKeyBytes)
        {
            throw Corrupt(key, $"a tipset key of {value.Length} bytes (expected 1 to {MaxTipSetKeyBytes})");
        }

        try
        {
            return TipSetKey.FromBytes(value);
        }
        catch (FormatException e)
        {
            throw Corrupt(key, e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw Corrupt(key, e.Message, e);
        }
    }

    /// <summary>Decodes a stored state read under <paramref name="key"/>.</summary>
    /// <exception cref="RocksDbStoreException">The value is not exactly two CIDs.</exception>
    public static TipSetState ReadState(ReadOnlySpan<byte> value, ReadOnlySpan<byte> key)
    {
        if (value.Length > MaxStateBytes)
        {
            throw Corrupt(key, $"a state of {value.Length} bytes (at most {MaxStateBytes})");
        }

        if (!Cid.TryReadPrefix(value, out Cid stateRoot, out int first, out string? error))
        {
            throw Corrupt(key, $"state root: {error}");
        }

        if (!Cid.TryFromBytes(value[first..], out Cid receiptsRoot, out error))
        {
            throw Corrupt(key, $"receipts root: {error}");
        }

        return new TipSetState(stateRoot, receiptsRoot);
    }

    /// <summary>A readable name of a meta key, for error messages.</summary>
    public static string Describe(ReadOnlySpan<byte> key)
    {
        if (key.SequenceEqual(FormatKey))
        {
            return "the format-version record";
        }

        if (key.Length == 2 && key[0] == MarkPrefix)
        {
            return Enum.IsDefined((ChainMark)key[1]) ? $"the {(ChainMark)key[1]} mark" : $"mark {key[1]}";
        }

        if (key.Length == 9 && key[0] == HeightPrefix)
        {
            return $"the height-index entry at {BinaryPrimitives.ReadInt64BigEndian(key[1..])}";
        }

        if (key.Length > 1 && key[0] == StatePrefix)
        {
            try
            {
                return $"the state of tipset {TipSetKey.FromBytes(key[1..])}";
            }
            catch (FormatException)
            {
                // A key we did not write; fall through to its hex form.
            }
        }

        return $"meta key 0x{Convert.ToHexStringLower(key)}";
    }

    private static RocksDbStoreException Corrupt(ReadOnlySpan<byte> key, string problem, Exception? inner = null) =>
        new(RocksDbStoreError.CorruptRecord, $"The store's record {Describe(key)} is corrupt: {problem}.", inner);
}
