namespace Venus.ChainSync.Primitives;

/// <summary>
/// An IPLD block: a CID and the exact bytes it names. A CAR holds a sequence of these, and a blockstore keeps them.
/// </summary>
/// <remarks>
/// Building a <see cref="Block"/> does not hash anything: the pair may come from an untrusted source, and
/// <see cref="Verify"/> is how a caller checks it. The block does not copy <see cref="Data"/>; whoever builds it
/// decides who owns the memory (a <see cref="Car.CarReader"/> gives every block an array of its own).
/// <c>default(Block)</c> has an undefined CID and is not a block.
/// </remarks>
public readonly struct Block
{
    /// <summary>Pairs <paramref name="cid"/> with <paramref name="data"/> without checking that they match.</summary>
    /// <exception cref="ArgumentException"><paramref name="cid"/> is <c>default</c>.</exception>
    public Block(Cid cid, ReadOnlyMemory<byte> data)
    {
        if (!cid.IsDefined)
        {
            throw new ArgumentException("default(Cid) is not a CID.", nameof(cid));
        }

        Cid = cid;
        Data = data;
    }

    /// <summary>The CID the block is stored under.</summary>
    public Cid Cid { get; }

    /// <summary>The block's bytes, exactly as received.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// Whether <see cref="Data"/> hashes to the multihash in <see cref="Cid"/> (for an identity CID: whether the
    /// data equals the digest). It hashes every time it is called.
    /// </summary>
    /// <exception cref="NotSupportedException">The CID's hash function cannot be checked here; see <see cref="Cid.CanVerify"/>.</exception>
    public bool Verify() => Cid.Matches(Data.Span);

    /// <summary>The CID and the data length, for logs and test output.</summary>
    public override string ToString() => $"{Cid} ({Data.Length} bytes)";
}
