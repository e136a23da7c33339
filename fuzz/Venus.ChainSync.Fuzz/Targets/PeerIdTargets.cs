using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// Peer ids as text (base58btc, as libp2p prints them). <see cref="PeerId.TryParse"/> must never throw;
/// <see cref="PeerId.Parse"/> throws <see cref="FormatException"/> exactly when it refuses. Base58 has one spelling
/// per byte string, so an accepted id prints back as the input.
/// </summary>
internal static class PeerIdTargets
{
    public static void Parse(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        string text = TextInput.From(input);
        (bool ok, PeerId peer) = meter.Call(() => (PeerId.TryParse(text, out PeerId parsed), parsed));
        RoundTrip.TwinAgrees<FormatException>("PeerId.Parse", ok, () => PeerId.Parse(text));
        if (!ok)
        {
            return;
        }

        RoundTrip.Text("PeerId.ToString", text, peer.ToString());
        RoundTrip.That(PeerId.FromBytes(peer.Bytes) == peer, "PeerId.FromBytes over an id's bytes gives another id");
    }
}
