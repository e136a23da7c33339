using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Libp2p;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// Multiaddrs as identify and bootstrap lists carry them. <c>Try*</c> never throws and its twin throws
/// <see cref="FormatException"/> exactly when it refuses; an accepted address round-trips through the other form, and
/// the binary form is kept exactly as read.
/// </summary>
internal static class MultiaddrTargets
{
    public static void Parse(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        string text = TextInput.From(input);
        (bool ok, Multiaddr? address) = meter.Call(() => (Multiaddr.TryParse(text, out Multiaddr? parsed), parsed));
        RoundTrip.TwinAgrees<FormatException>("Multiaddr.Parse", ok, () => Multiaddr.Parse(text));
        if (!ok)
        {
            return;
        }

        Multiaddr printed = Multiaddr.Parse(address!.ToString());
        RoundTrip.That(printed == address, "Multiaddr.ToString does not parse back to the same address");
        RoundTrip.Text("Multiaddr.ToString", address.ToString(), printed.ToString());
        RoundTrip.That(Multiaddr.FromBytes(address.Bytes.Span) == address, "Multiaddr.Bytes does not read back to the same address");
    }

    public static void FromBytes(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        (bool ok, Multiaddr? address) = meter.Call(() => (Multiaddr.TryFromBytes(input.Span, out Multiaddr? read), read));
        RoundTrip.TwinAgrees<FormatException>("Multiaddr.FromBytes", ok, () => Multiaddr.FromBytes(input.Span));
        if (!ok)
        {
            return;
        }

        RoundTrip.Bytes("Multiaddr.Bytes", input.Span, address!.Bytes.Span);
        RoundTrip.That(Multiaddr.Parse(address.ToString()) == address, "Multiaddr.ToString does not parse back to the same address");
    }
}
