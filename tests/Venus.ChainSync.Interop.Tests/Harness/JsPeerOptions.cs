using System.Globalization;
using System.Numerics;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Interop.Tests.Harness;

/// <summary>How to start one <c>peer.mjs</c>; every member maps to one command-line flag of it.</summary>
public sealed record JsPeerOptions
{
    /// <summary>Listen addresses (<c>--listen</c>, each); empty: peer.mjs's default, <c>/ip4/127.0.0.1/tcp/0</c>.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary>The identity as the hex of a libp2p <c>PrivateKey</c> protobuf (<c>--key</c>); null: a fresh Ed25519 key.</summary>
    public string? KeyHex { get; init; }

    /// <summary>A CAR v1 to serve (<c>--car</c>), as <see cref="Chain.ChainFixture.WriteCarAsync"/> writes it; null: no chain.</summary>
    public string? CarPath { get; init; }

    /// <summary>The served head's weight, announced in hello (<c>--weight</c>).</summary>
    public BigInteger Weight { get; init; }

    /// <summary>The genesis CID announced in hello (<c>--genesis</c>); null: the lowest header in the CAR.</summary>
    public Cid? Genesis { get; init; }

    /// <summary>Greet every peer whose identify lists <c>/fil/hello/1.0.0</c>, as Lotus does (<c>--greet</c>).</summary>
    public bool Greet { get; init; }

    /// <summary>
    /// The pubsub router to run (<c>--pubsub</c>): none, gossipsub as Lotus configures go-libp2p-pubsub, or
    /// floodsub alone. See tests/interop/README.md for every gossipsub setting and its source.
    /// </summary>
    public JsPubSub PubSub { get; init; }

    /// <summary>
    /// The Filecoin network name (<c>--network</c>): under gossipsub the peer takes only <c>/fil/blocks/&lt;name&gt;</c>
    /// and <c>/fil/msgs/&lt;name&gt;</c>, as Lotus's topic allowlist does, and scores them with Lotus's parameters.
    /// Null: peer.mjs's default, <c>testnetnet</c> (mainnet).
    /// </summary>
    public string? Network { get; init; }

    /// <summary>Options serving <paramref name="chain"/> from the CAR at <paramref name="carPath"/> with its head's weight and genesis.</summary>
    public static JsPeerOptions Serving(Chain.ChainFixture chain, string carPath)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return new JsPeerOptions { CarPath = carPath, Weight = chain.HeadWeight, Genesis = chain.Genesis.Key.Cids[0] };
    }

    internal IEnumerable<string> ToArguments()
    {
        foreach (string address in Listen)
        {
            yield return "--listen";
            yield return address;
        }

        if (KeyHex is not null)
        {
            yield return "--key";
            yield return KeyHex;
        }

        if (CarPath is not null)
        {
            yield return "--car";
            yield return CarPath;
        }

        yield return "--weight";
        yield return Weight.ToString(CultureInfo.InvariantCulture);
        if (Genesis is Cid genesis)
        {
            yield return "--genesis";
            yield return genesis.ToString();
        }

        if (Greet)
        {
            yield return "--greet";
        }

        if (PubSub != JsPubSub.None)
        {
            yield return "--pubsub";
            yield return PubSub == JsPubSub.Gossipsub ? "gossipsub" : "floodsub";
        }

        if (Network is not null)
        {
            yield return "--network";
            yield return Network;
        }
    }
}

/// <summary>Which pubsub router a <c>peer.mjs</c> runs.</summary>
public enum JsPubSub
{
    /// <summary>None: no pubsub protocol is offered.</summary>
    None,

    /// <summary>
    /// @libp2p/gossipsub with Lotus's settings: <c>/meshsub/1.2.0</c>, <c>/1.1.0</c>, <c>/1.0.0</c> and
    /// <c>/floodsub/1.0.0</c>; blake2b-256 message ids; StrictSign; flood publish; Lotus's score parameters.
    /// </summary>
    Gossipsub,

    /// <summary>@libp2p/floodsub: <c>/floodsub/1.0.0</c> only, StrictSign.</summary>
    Floodsub,
}
