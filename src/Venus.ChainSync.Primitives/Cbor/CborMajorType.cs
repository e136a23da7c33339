namespace Venus.ChainSync.Primitives.Cbor;

/// <summary>The eight CBOR major types (RFC 8949, section 3.1).</summary>
public enum CborMajorType
{
    /// <summary>Unsigned integer.</summary>
    UnsignedInteger = 0,

    /// <summary>Negative integer.</summary>
    NegativeInteger = 1,

    /// <summary>Byte string.</summary>
    ByteString = 2,

    /// <summary>UTF-8 text string.</summary>
    TextString = 3,

    /// <summary>Array.</summary>
    Array = 4,

    /// <summary>Map.</summary>
    Map = 5,

    /// <summary>Tag (DAG-CBOR allows only tag 42, a CID).</summary>
    Tag = 6,

    /// <summary>Simple values and floats.</summary>
    Simple = 7,
}
