using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Venus.ChainSync.Primitives;

/// <content>The string form: <c>f</c>/<c>t</c>, the protocol digit, then the protocol's text.</content>
public readonly partial struct Address
{
    /// <summary>
    /// Longest address string (115): network letter, protocol digit, a 19-digit namespace, <c>f</c>, and the 93
    /// base32 characters of a 54-byte sub-address with its checksum.
    /// </summary>
    public const int MaxAddressStringLength = 2 + MaxDecimalLength + 1 + 93;

    /// <summary>Most digits of an id or namespace: <see cref="long.MaxValue"/> has 19.</summary>
    private const int MaxDecimalLength = 19;

    /// <summary>What go-address prints for its undefined address, used here for <c>default(Address)</c>.</summary>
    private const string UndefinedText = "<empty>";

    /// <summary>
    /// Parses an address string: <c>f</c> (mainnet) or <c>t</c> (testnet), the protocol digit, then the decimal id
    /// (f0), lower-case base32 of <c>payload || checksum</c> (f1–f3), or <c>namespace f base32(subaddress || checksum)</c> (f4).
    /// </summary>
    /// <remarks>
    /// Parsing follows go-address, including what it tolerates: an id or namespace with leading zeros
    /// (<c>f0007</c>) is read as its value, and <see cref="ToString()"/> then prints it without them. Base32 is
    /// strict: upper case, padding and non-zero trailing bits are refused, so each address has one spelling per
    /// network. The empty string is refused, where go-address returns its undefined address.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The string is not an address; the message says why.</exception>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out Address address, out _, out string? reason))
        {
            throw new FormatException($"'{Truncate(text)}' is not a Filecoin address: {reason}.");
        }

        return address;
    }

    /// <summary>Parses an address string; see <see cref="Parse(string)"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Address address) => TryParse(text, out address, out _, out _);

    /// <summary>Parses an address string; see <see cref="Parse(string)"/>. <paramref name="error"/> says why it was refused.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Address address, out AddressError error) => TryParse(text, out address, out error, out _);

    /// <summary>The mainnet (<c>f</c>) string; <c>&lt;empty&gt;</c> for <c>default</c>.</summary>
    public override string ToString() => ToString(Network.Mainnet);

    /// <summary>The string for <paramref name="network"/>; <c>&lt;empty&gt;</c> for <c>default</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="network"/> is not a defined value.</exception>
    public string ToString(Network network)
    {
        string prefix = network switch
        {
            Network.Mainnet => "f",
            Network.Testnet => "t",
            _ => throw new ArgumentOutOfRangeException(nameof(network), network, "Unknown network."),
        };

        if (_bytes is null)
        {
            return UndefinedText;
        }

        AddressProtocol protocol = Protocol;
        string head = prefix + ((int)protocol).ToString(CultureInfo.InvariantCulture);
        switch (protocol)
        {
            case AddressProtocol.Id:
                return head + Id.ToString(CultureInfo.InvariantCulture);

            case AddressProtocol.Delegated:
                Varint.TryRead(Payload, out ulong ns, out int nsLength);
                return string.Concat(head, ns.ToString(CultureInfo.InvariantCulture), "f", EncodeWithChecksum(Payload[nsLength..]));

            default:
                return head + EncodeWithChecksum(Payload);
        }
    }

    /// <summary>Base32 of <paramref name="tail"/> (the end of the binary form) followed by the checksum of the whole binary form.</summary>
    private string EncodeWithChecksum(ReadOnlySpan<byte> tail)
    {
        Span<byte> buffer = stackalloc byte[MaxByteLength + ChecksumLength];
        tail.CopyTo(buffer);
        ComputeChecksum(Value, buffer.Slice(tail.Length, ChecksumLength));
        return Base32Lower.Encode(buffer[..(tail.Length + ChecksumLength)]);
    }

    /// <summary>The parser behind every public overload. The checks run in go-address's order, which decides the error kind.</summary>
    private static bool TryParse(string? text, out Address address, out AddressError error, [NotNullWhen(false)] out string? reason)
    {
        address = default;
        reason = ParseCore(text, out byte[] bytes, out error);
        if (reason is not null)
        {
            return false;
        }

        address = new Address(bytes);
        return true;
    }

    /// <summary>Returns why <paramref name="text"/> is refused, or <see langword="null"/> and its binary form in <paramref name="bytes"/>.</summary>
    private static string? ParseCore(string? text, out byte[] bytes, out AddressError error)
    {
        bytes = [];
        error = AddressError.InvalidLength;
        if (text is null || text.Length < 3 || text.Length > MaxAddressStringLength)
        {
            return $"an address string is 3 to {MaxAddressStringLength} characters long";
        }

        if (text[0] is not ('f' or 't'))
        {
            error = AddressError.UnknownNetwork;
            return $"unknown network '{text[0]}'";
        }

        if (text[1] is < '0' or > '4')
        {
            error = AddressError.UnknownProtocol;
            return $"unknown protocol '{text[1]}'";
        }

        var protocol = (AddressProtocol)(text[1] - '0');
        ReadOnlySpan<char> raw = text.AsSpan(2);
        string? reason;
        if (protocol == AddressProtocol.Id)
        {
            reason = ParseDecimal(raw, "actor id", out ulong id, out error);
            if (reason is null)
            {
                bytes = NewId(id).Value;
            }

            return reason;
        }

        byte[] decoded;
        int prefixLength; // Bytes of the binary form before the decoded base32 part: the protocol and any namespace.
        ulong ns = 0;
        if (protocol == AddressProtocol.Delegated)
        {
            int separator = raw.IndexOf('f');
            if (separator < 0)
            {
                error = AddressError.InvalidPayload;
                return "a delegated address needs 'f' between namespace and sub-address";
            }

            reason = ParseDecimal(raw[..separator], "namespace", out ns, out error);
            if (reason is not null)
            {
                return reason;
            }

            raw = raw[(separator + 1)..];
            prefixLength = 1 + Varint.SizeOf(ns);
        }
        else
        {
            prefixLength = 1;
        }

        // Base32Lower reports bad text by throwing; only bad input pays for that.
        try
        {
            decoded = Base32Lower.Decode(raw);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            error = AddressError.InvalidEncoding;
            return ex.Message;
        }

        if (decoded.Length < ChecksumLength)
        {
            error = AddressError.InvalidLength;
            return "too short to hold a checksum";
        }

        int tailLength = decoded.Length - ChecksumLength;
        var candidate = new byte[prefixLength + tailLength];
        candidate[0] = (byte)protocol;
        if (protocol == AddressProtocol.Delegated)
        {
            Varint.Write(ns, candidate.AsSpan(1));
        }

        decoded.AsSpan(0, tailLength).CopyTo(candidate.AsSpan(prefixLength));

        // Structure before checksum, as go-address does: a payload of the wrong length is an invalid length, not a
        // bad checksum.
        reason = Validate(candidate, out error);
        if (reason is not null)
        {
            return reason;
        }

        Span<byte> checksum = stackalloc byte[ChecksumLength];
        ComputeChecksum(candidate, checksum);
        if (!checksum.SequenceEqual(decoded.AsSpan(tailLength)))
        {
            error = AddressError.InvalidChecksum;
            return "the checksum does not match";
        }

        error = AddressError.None;
        bytes = candidate;
        return null;
    }

    /// <summary>
    /// Reads an id or namespace: ASCII digits only (no sign, no spaces), at most 19 of them (more is an invalid
    /// length), with a value no larger than <see cref="long.MaxValue"/> (else an invalid payload), as go-address
    /// reads them.
    /// </summary>
    private static string? ParseDecimal(ReadOnlySpan<char> digits, string what, out ulong value, out AddressError error)
    {
        value = 0;
        if (digits.Length > MaxDecimalLength)
        {
            error = AddressError.InvalidLength;
            return $"the {what} has more than {MaxDecimalLength} digits";
        }

        error = AddressError.InvalidPayload;
        if (digits.IsEmpty)
        {
            return $"the {what} is empty";
        }

        // Nineteen digits stay below 2^64, so the accumulation cannot overflow before the range check.
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return $"the {what} is not a decimal number";
            }

            value = (value * 10) + (uint)(c - '0');
        }

        if (value > long.MaxValue)
        {
            return $"the {what} is above 2^63 - 1";
        }

        error = AddressError.None;
        return null;
    }

    private static string Truncate(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
