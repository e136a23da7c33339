using System.IO.Hashing;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// How CIDs hash as dictionary keys: the strategy <see cref="Cid.GetHashCode"/> uses today against the others it
/// could use, over real chain CIDs (lookups, inserts) and over identity-multihash CIDs that share their last 16
/// bytes (the hash-flooding shape a peer can send, since identity CIDs pass hash verification with any content).
/// </summary>
/// <remarks>
/// Every strategy is a comparer over the same keys, so they are measured in one run; "Cid default" is whatever
/// <see cref="Cid.GetHashCode"/> does in the build measured. Setup checks that each comparer finds every key.
/// </remarks>
[MemoryDiagnoser]
public class CidHashBenchmarks
{
    private const int ChainKeys = 10_000;
    private const int FloodKeys = 4_000;

    private Cid[] _chain = [];
    private Cid[] _flood = [];
    private Dictionary<Cid, int> _defaultMap = [];
    private Dictionary<Cid, int> _tailMap = [];
    private Dictionary<Cid, int> _wholeMap = [];
    private Dictionary<Cid, int> _xxMap = [];

    [Params("default", "tail16", "whole-HashCode", "XxHash3")]
    public string Strategy { get; set; } = "default";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _chain = new Cid[ChainKeys];
        var data = new byte[200];
        for (int i = 0; i < _chain.Length; i++)
        {
            random.NextBytes(data);
            _chain[i] = Cid.ComputeDagCbor(data);
        }

        _flood = new Cid[FloodKeys];
        var digest = new byte[40];
        random.NextBytes(digest);
        for (int i = 0; i < _flood.Length; i++)
        {
            // Only the first bytes differ, so every key shares the 16-byte tail.
            BitConverter.TryWriteBytes(digest.AsSpan(0, 4), i);
            _flood[i] = Cid.Create(Multicodec.Raw, Multihash.Create(MultihashCode.Identity, digest));
        }

        _defaultMap = Fill(EqualityComparer<Cid>.Default);
        _tailMap = Fill(new TailComparer());
        _wholeMap = Fill(new WholeHashCodeComparer());
        _xxMap = Fill(new XxHash3Comparer());
    }

    [Benchmark(Description = "10 000 lookups of present chain CIDs")]
    public int Lookup()
    {
        Dictionary<Cid, int> map = Map();
        int sum = 0;
        foreach (Cid cid in _chain)
        {
            sum += map[cid];
        }

        return sum;
    }

    [Benchmark(Description = "insert 10 000 chain CIDs into a new HashSet")]
    public int InsertChain() => new HashSet<Cid>(_chain, Comparer()).Count;

    [Benchmark(Description = "insert 4 000 identity CIDs sharing a 16-byte tail")]
    public int InsertFlood() => new HashSet<Cid>(_flood, Comparer()).Count;

    private Dictionary<Cid, int> Map() => Strategy switch
    {
        "tail16" => _tailMap,
        "whole-HashCode" => _wholeMap,
        "XxHash3" => _xxMap,
        _ => _defaultMap,
    };

    private IEqualityComparer<Cid> Comparer() => Map().Comparer;

    private Dictionary<Cid, int> Fill(IEqualityComparer<Cid> comparer)
    {
        var map = new Dictionary<Cid, int>(comparer);
        for (int i = 0; i < _chain.Length; i++)
        {
            map[_chain[i]] = i;
        }

        for (int i = 0; i < _chain.Length; i++)
        {
            if (map[_chain[i]] != i)
            {
                throw new InvalidOperationException("comparer lost a key");
            }
        }

        return map;
    }

    /// <summary>What <see cref="Cid.GetHashCode"/> did before the fuzzing fix: only the last 16 bytes.</summary>
    private sealed class TailComparer : IEqualityComparer<Cid>
    {
        public bool Equals(Cid x, Cid y) => x.Equals(y);

        public int GetHashCode(Cid cid)
        {
            var hash = default(HashCode);
            hash.AddBytes(cid.Bytes[Math.Max(0, cid.Bytes.Length - 16)..]);
            return hash.ToHashCode();
        }
    }

    /// <summary>The BCL's per-process seeded <see cref="HashCode"/> over every byte.</summary>
    private sealed class WholeHashCodeComparer : IEqualityComparer<Cid>
    {
        public bool Equals(Cid x, Cid y) => x.Equals(y);

        public int GetHashCode(Cid cid)
        {
            var hash = default(HashCode);
            hash.AddBytes(cid.Bytes);
            return hash.ToHashCode();
        }
    }

    /// <summary>XXH3-64 with a random seed over every byte, folded to 32 bits.</summary>
    private sealed class XxHash3Comparer : IEqualityComparer<Cid>
    {
        private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

        public bool Equals(Cid x, Cid y) => x.Equals(y);

        public int GetHashCode(Cid cid)
        {
            ulong hash = XxHash3.HashToUInt64(cid.Bytes, Seed);
            return (int)hash ^ (int)(hash >> 32);
        }
    }
}
