using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Hosting;

/// <summary>
/// A public Filecoin network as data: its network name, genesis, epoch length and bootstrap peers. Apply one with
/// <see cref="ChainSyncOptions.UseNetwork"/> (or <c>"Network": "mainnet"</c> in configuration); the node then refuses
/// to start on a store whose genesis is another network's.
/// </summary>
/// <remarks>
/// The bootstrap peers are for the host's libp2p host to dial; this library dials nobody itself.
/// </remarks>
public sealed class ChainSyncNetwork
{
    private ChainSyncNetwork(string name, string networkName, string genesisCid, TimeSpan blockDelay, IReadOnlyList<string> bootstrapPeers)
    {
        Name = name;
        NetworkName = networkName;
        GenesisCid = Cid.Parse(genesisCid);
        BlockDelay = blockDelay;
        BootstrapPeers = bootstrapPeers;
    }

    /// <summary>
    /// Filecoin mainnet. Its network name is <c>testnetnet</c>, not <c>mainnet</c>: the name is the one written into the
    /// init actor of the genesis state, and mainnet's genesis was made with the name its test network had carried, so
    /// the block topic is <c>/fil/blocks/testnetnet</c> for good (Lotus returns <c>"testnetnet"</c> for any
    /// non-devnet build in <c>node/modules/chain.go</c> <c>NetworkName</c>, and its pubsub topics note the name "is here
    /// for historical reasons"). Genesis CID: the root of Lotus's <c>build/genesis/mainnet.car</c>, also Forest's
    /// <c>GENESIS_CID</c>. Bootstrap peers: Lotus's <c>build/bootstrap/mainnet.pi</c>.
    /// </summary>
    public static ChainSyncNetwork Mainnet { get; } = new(
        "mainnet",
        "testnetnet",
        "bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2",
        TimeSpan.FromSeconds(30),
        [
            "/dns4/bootstrap-0.mainnet.filops.net/tcp/1347/p2p/12D3KooWCVe8MmsEMes2FzgTpt9fXtmCY7wrq91GRiaC8PHSCCBj",
            "/dns4/bootstrap-1.mainnet.filops.net/tcp/1347/p2p/12D3KooWCwevHg1yLCvktf2nvLu7L9894mcrJR4MsBCcm4syShVc",
            "/dns4/bootstrap-2.mainnet.filops.net/tcp/1347/p2p/12D3KooWEWVwHGn2yR36gKLozmb4YjDJGerotAPGxmdWZx2nxMC4",
            "/dns4/bootstrap-6.mainnet.filops.net/tcp/1347/p2p/12D3KooWP5MwCiqdMETF9ub1P3MbCvQCcfconnYHbWg6sUJcDRQQ",
            "/dns4/bootstrap-7.mainnet.filops.net/tcp/1347/p2p/12D3KooWRs3aY1p3juFjPy8gPN95PEQChm2QKGUCAdcDCC4EBMKf",
            "/dns4/bootstrap-8.mainnet.filops.net/tcp/1347/p2p/12D3KooWScFR7385LTyR4zU1bYdzSiiAb5rnNABfVahPvVSzyTkR",
            "/dns4/lotus-bootstrap.ipfsforce.com/tcp/41778/p2p/12D3KooWGhufNmZHF3sv48aQeS13ng5XVJZ9E6qy2Ms4VzqeUsHk",
            "/dns4/bootstrap-0.starpool.in/tcp/12757/p2p/12D3KooWGHpBMeZbestVEWkfdnC9u7p6uFHXL1n7m1ZBqsEmiUzz",
            "/dns4/bootstrap-1.starpool.in/tcp/12757/p2p/12D3KooWQZrGH1PxSNZPum99M1zNvjNFM33d1AAu5DcvdHptuU7u",
            "/dns4/node.glif.io/tcp/1235/p2p/12D3KooWBF8cpp65hp2u9LK5mh19x67ftAam84z9LsfaquTDSBpt",
            "/dns4/bootstarp-0.1475.io/tcp/61256/p2p/12D3KooWRzCVDwHUkgdK7eRgnoXbjDAELhxPErjHzbRLguSV1aRt",
            "/dns4/bootstrap-venus.mainnet.filincubator.com/tcp/8888/p2p/QmQu8C6deXwKvJP2D8B6QGyhngc3ZiDnFzEHBDx8yeBXST",
            "/dns4/bootstrap-mainnet-0.chainsafe-fil.io/tcp/34000/p2p/12D3KooWKKkCZbcigsWTEu1cgNetNbZJqeNtysRtFpq7DTqw3eqH",
            "/dns4/bootstrap-mainnet-1.chainsafe-fil.io/tcp/34000/p2p/12D3KooWGnkd9GQKo3apkShQDaq1d6cKJJmsVe6KiQkacUk1T8oZ",
            "/dns4/bootstrap-mainnet-2.chainsafe-fil.io/tcp/34000/p2p/12D3KooWHQRSDFv4FvAjtU32shQ7znz7oRbLBryXzZ9NMK2feyyH",
        ]);

    /// <summary>
    /// The calibration network (network name <c>calibrationnet</c>). Genesis CID: the root of Lotus's
    /// <c>build/genesis/calibnet.car</c>, also Forest's <c>GENESIS_CID</c>. Bootstrap peers: Lotus's
    /// <c>build/bootstrap/calibnet.pi</c>.
    /// </summary>
    public static ChainSyncNetwork Calibnet { get; } = new(
        "calibnet",
        "calibrationnet",
        "bafy2bzacecyaggy24wol5ruvs6qm73gjibs2l2iyhcqmvi7r7a4ph7zx3yqd4",
        TimeSpan.FromSeconds(30),
        [
            "/dns4/bootstrap-0.calibration.fildev.network/tcp/1347/p2p/12D3KooWJkikQQkxS58spo76BYzFt4fotaT5NpV2zngvrqm4u5ow",
            "/dns4/bootstrap-1.calibration.fildev.network/tcp/1347/p2p/12D3KooWLce5FDHR4EX4CrYavphA5xS3uDsX6aoowXh5tzDUxJav",
            "/dns4/bootstrap-2.calibration.fildev.network/tcp/1347/p2p/12D3KooWA9hFfQG9GjP6bHeuQQbMD3FDtZLdW1NayxKXUT26PQZu",
            "/dns4/bootstrap-3.calibration.fildev.network/tcp/1347/p2p/12D3KooWMHDi3LVTFG8Szqogt7RkNXvonbQYqSazxBx41A5aeuVz",
        ]);

    /// <summary>Every preset, by <see cref="Name"/>.</summary>
    public static IReadOnlyList<ChainSyncNetwork> All { get; } = [Mainnet, Calibnet];

    /// <summary>What this library calls the network (<c>mainnet</c>, <c>calibnet</c>), as named in configuration.</summary>
    public string Name { get; }

    /// <summary>The network name on the wire: the block topic is <c>/fil/blocks/&lt;NetworkName&gt;</c>.</summary>
    public string NetworkName { get; }

    /// <summary>The CID of the network's one genesis block.</summary>
    public Cid GenesisCid { get; }

    /// <summary>Time between epochs (30 s on both, Lotus's <c>BlockDelaySecs</c>).</summary>
    public TimeSpan BlockDelay { get; }

    /// <summary>The bootstrap peers' multiaddrs, as Lotus ships them.</summary>
    public IReadOnlyList<string> BootstrapPeers { get; }

    /// <summary>The preset called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ChainSyncNetwork? Find(string? name) =>
        All.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
