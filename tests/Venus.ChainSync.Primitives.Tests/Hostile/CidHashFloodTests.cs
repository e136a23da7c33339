namespace Venus.ChainSync.Primitives.Tests.Hostile;

/// <summary>
/// CIDs as hash-table keys under a peer's control: identity-multihash CIDs pass hash verification with any content,
/// so a peer can send thousands that share every byte but a few. The fuzzing run found that hashing only the last
/// 16 bytes put 40 000 of them in one bucket chain (2.2 s to insert into a set instead of 2 ms).
/// </summary>
public class CidHashFloodTests
{
    private const int Keys = 40_000;

    public static TheoryData<int> VaryingOffsets => new() { 0, 8, 20 };

    [Theory]
    [MemberData(nameof(VaryingOffsets))]
    public void Cids_differing_in_only_four_bytes_get_distinct_hash_codes(int offset)
    {
        Cid[] cids = IdentityCidsDifferingAt(offset);

        int distinct = cids.Select(c => c.GetHashCode()).Distinct().Count();

        // A random 32-bit hash of 40 000 keys collides about 0.2 times; a structural weakness collides thousands.
        Assert.True(distinct >= Keys - 10, $"{Keys - distinct} collisions");
    }

    [Theory]
    [MemberData(nameof(VaryingOffsets))]
    public void Inserting_them_into_a_set_compares_almost_no_keys(int offset)
    {
        var comparer = new CountingComparer();
        var set = new HashSet<Cid>(comparer);

        foreach (Cid cid in IdentityCidsDifferingAt(offset))
        {
            Assert.True(set.Add(cid));
        }

        // Equals runs only for keys whose hash codes match, so its count is the number of probes that collided.
        Assert.True(comparer.EqualsCalls < 100, $"{comparer.EqualsCalls} key comparisons for {Keys} inserts");
    }

    [Fact]
    public void Equal_cids_have_equal_hash_codes()
    {
        Cid a = Cid.ComputeDagCbor("same"u8);
        Cid b = Cid.FromBytes(a.Bytes);

        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(0, default(Cid).GetHashCode());
    }

    /// <summary>Raw CIDs with a 40-byte identity digest, equal but for four bytes at <paramref name="offset"/>.</summary>
    private static Cid[] IdentityCidsDifferingAt(int offset)
    {
        var digest = new byte[40];
        new Random(11).NextBytes(digest);
        var cids = new Cid[Keys];
        for (int i = 0; i < cids.Length; i++)
        {
            BitConverter.TryWriteBytes(digest.AsSpan(offset, 4), i);
            cids[i] = Cid.Create(Multicodec.Raw, Multihash.Create(MultihashCode.Identity, digest));
        }

        return cids;
    }

    private sealed class CountingComparer : IEqualityComparer<Cid>
    {
        public int EqualsCalls { get; private set; }

        public bool Equals(Cid x, Cid y)
        {
            EqualsCalls++;
            return x.Equals(y);
        }

        public int GetHashCode(Cid cid) => cid.GetHashCode();
    }
}
