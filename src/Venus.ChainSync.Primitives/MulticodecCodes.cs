namespace Venus.ChainSync.Primitives;

/// <summary>Multicodec content types (the CID codec) that Filecoin chain data uses.</summary>
public static class Multicodec
{
    /// <summary>Raw bytes (<c>0x55</c>).</summary>
    public const ulong Raw = 0x55;

    /// <summary>DAG-PB (<c>0x70</c>), the codec every CIDv0 implies.</summary>
    public const ulong DagPb = 0x70;

    /// <summary>DAG-CBOR (<c>0x71</c>), the codec of every chain object.</summary>
    public const ulong DagCbor = 0x71;
}

/// <summary>Multihash function codes this library recognises.</summary>
public static class MultihashCode
{
    /// <summary>Identity (<c>0x00</c>): the digest is the data itself.</summary>
    public const ulong Identity = 0x00;

    /// <summary>SHA2-256 (<c>0x12</c>).</summary>
    public const ulong Sha2_256 = 0x12;

    /// <summary>BLAKE2b-256 (<c>0xb220</c>), the hash of every chain object.</summary>
    public const ulong Blake2b256 = 0xb220;
}
