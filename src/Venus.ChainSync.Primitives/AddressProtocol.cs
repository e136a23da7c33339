namespace Venus.ChainSync.Primitives;

/// <summary>
/// The kind of a Filecoin address: the first byte of its binary form and the digit after the network letter in
/// its string form.
/// </summary>
/// <remarks>The numeric values are the wire values; do not renumber.</remarks>
public enum AddressProtocol
{
    /// <summary>An actor id (<c>f0…</c>): the payload is the id as a minimal uvarint.</summary>
    Id = 0,

    /// <summary>A secp256k1 account (<c>f1…</c>): the payload is the 20-byte BLAKE2b-160 of the public key.</summary>
    Secp256k1 = 1,

    /// <summary>An actor created by another actor (<c>f2…</c>): the payload is a 20-byte BLAKE2b-160 hash.</summary>
    Actor = 2,

    /// <summary>A BLS account (<c>f3…</c>): the payload is the 48-byte BLS public key.</summary>
    Bls = 3,

    /// <summary>
    /// A delegated address (<c>f4…</c>, FIP-0048): the payload is the namespace actor id as a uvarint followed by a
    /// sub-address of at most 54 bytes (for the Ethereum address manager, namespace 10, a 20-byte Ethereum address).
    /// </summary>
    Delegated = 4,
}
