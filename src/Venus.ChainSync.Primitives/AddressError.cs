namespace Venus.ChainSync.Primitives;

/// <summary>
/// Why a string or byte form was refused as an address. The kinds and the order in which they are checked follow
/// go-address, so a rejected input is classified as Lotus classifies it.
/// </summary>
public enum AddressError
{
    /// <summary>No error: the input was an address.</summary>
    None = 0,

    /// <summary>The string does not start with <c>f</c> or <c>t</c>.</summary>
    UnknownNetwork,

    /// <summary>The protocol byte or digit is not 0–4.</summary>
    UnknownProtocol,

    /// <summary>
    /// The input is too short or too long: the whole string, a decimal part, the payload for its protocol, a
    /// delegated sub-address, or bytes after an ID address's varint.
    /// </summary>
    InvalidLength,

    /// <summary>
    /// The payload does not hold what its protocol needs: a decimal part that is not digits or exceeds
    /// <see cref="long.MaxValue"/>, a delegated string without the <c>f</c> separator, or a varint that is
    /// truncated, not minimal, or above <see cref="long.MaxValue"/>.
    /// </summary>
    InvalidPayload,

    /// <summary>The checksum in the string does not match the address it spells.</summary>
    InvalidChecksum,

    /// <summary>
    /// The base32 part is not lower-case RFC 4648 base32 without padding, has an impossible length, or has non-zero
    /// bits after its last byte (which would give one address two spellings).
    /// </summary>
    InvalidEncoding,
}
