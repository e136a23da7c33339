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
    }
}
