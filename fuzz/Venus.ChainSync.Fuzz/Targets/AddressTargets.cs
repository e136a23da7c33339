using Venus.ChainSync.Fuzz.Harness;
using Venus.ChainSync.Primitives;
using FilecoinNetwork = Venus.ChainSync.Primitives.Network;

namespace Venus.ChainSync.Fuzz.Targets;

/// <summary>
/// Filecoin addresses in both forms. <see cref="Address.TryFromBytes(ReadOnlySpan{byte}, out Address)"/> and
/// <see cref="Address.TryParse(string, out Address)"/> must never throw; their twins <see cref="Address.FromBytes"/>
/// and <see cref="Address.Parse"/> throw <see cref="FormatException"/> exactly when they return false. An accepted
/// address prints and parses back to itself on both networks; its binary form is the input; its text is the input
/// except for an id or namespace written with leading zeros (tolerated, as by go-address).
/// </summary>
internal static class AddressTargets
{
    public static void FromBytes(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        (bool ok, Address address) = meter.Call(() => (Address.TryFromBytes(input.Span, out Address parsed), parsed));
        RoundTrip.TwinAgrees<FormatException>("Address.FromBytes", ok, () => Address.FromBytes(input.Span));
        if (!ok)
        {
            return;
        }

        RoundTrip.Bytes("Address.Bytes", input.Span, address.Bytes);
        CheckText(address);
    }

    public static void Parse(ReadOnlyMemory<byte> input, AllocationMeter meter)
    {
        string text = TextInput.From(input);
        (bool ok, Address address) = meter.Call(() => (Address.TryParse(text, out Address parsed), parsed));
        RoundTrip.TwinAgrees<FormatException>("Address.Parse", ok, () => Address.Parse(text));
        if (!ok)
        {
            return;
        }

        FilecoinNetwork network = text[0] == 't' ? FilecoinNetwork.Testnet : FilecoinNetwork.Mainnet;
        if (!HasLeadingZeros(text))
        {
            RoundTrip.Text("Address.ToString", text, address.ToString(network));
        }

        CheckText(address);
    }

    private static void CheckText(Address address)
    {
        foreach (FilecoinNetwork network in (ReadOnlySpan<FilecoinNetwork>)[FilecoinNetwork.Mainnet, FilecoinNetwork.Testnet])
        {
            string printed = address.ToString(network);
            RoundTrip.That(Address.TryParse(printed, out Address reparsed) && reparsed == address, $"'{printed}' does not parse back to the address it was printed from");
        }

        RoundTrip.That(Address.TryFromBytes(address.Bytes, out Address fromBytes) && fromBytes == address, "an address's binary form does not read back as the same address");
    }

    /// <summary>f0 ids and f4 namespaces are decimal; go-address reads <c>f0007</c> as 7 and prints it <c>f07</c>.</summary>
    private static bool HasLeadingZeros(string text) =>
        text[1] is '0' or '4' && text.Length > 3 && text[2] == '0' && char.IsAsciiDigit(text[3]);
}
