using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using FilecoinNetwork = Venus.ChainSync.Primitives.Network;

namespace Venus.ChainSync.Fuzz.Seeds;

/// <summary>
/// Text and binary identifiers built here, so the text targets have seeds of every form without the vector files:
/// CIDs in base32, base58btc (<c>z…</c>) and CIDv0 (<c>Qm…</c>); peer ids of the inlined-key and hashed-key kinds;
/// addresses of every protocol.
/// </summary>
internal static class TextSeeds
{
    public static void Write(SeedSink sink)
    {
        Cid chain = Cid.ComputeDagCbor([0x80]);
        Cid raw = Cid.Create(Multicodec.Raw, Multihash.Create(MultihashCode.Identity, "fil/1/system"u8));
        byte[] v0 = [0x12, 0x20, .. System.Security.Cryptography.SHA256.HashData("venus"u8)];
        foreach ((string name, Cid cid) in new[] { ("chain", chain), ("identity-raw", raw), ("v0", Cid.FromBytes(v0)) })
        {
            sink.Add("cid-bytes", "built-" + name, cid.Bytes);
            sink.AddText("cid-text", "built-" + name, cid.ToString());

            // PeerId prints its bytes in base58btc, which is also the multibase 'z' form of a CID.
            sink.AddText("cid-text", "built-z-" + name, "z" + PeerId.FromBytes(cid.Bytes).ToString());
        }

        sink.AddText("peer-id", "built-name", PeerId.ForName("fuzz").ToString());
        sink.AddText("peer-id", "built-ed25519", PeerId.FromBytes([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, .. new byte[32].Select((_, i) => (byte)(i * 7))]).ToString());
        sink.AddText("peer-id", "built-sha256", PeerId.FromBytes(v0).ToString());
        sink.AddText("peer-id", "built-zero", "1");

        Address[] addresses =
        [
            Address.NewId(0),
            Address.NewId(ulong.MaxValue >> 1),
            Address.NewSecp256k1(new byte[Address.PayloadHashLength]),
            Address.NewActor([.. Enumerable.Range(0, Address.PayloadHashLength).Select(i => (byte)i)]),
            Address.NewBls(new byte[Address.BlsPublicKeyLength]),
            Address.NewDelegated(10, [.. Enumerable.Range(0, 20).Select(i => (byte)(255 - i))]),
        ];
        foreach (Address address in addresses)
        {
            string name = $"built-{(int)address.Protocol}-{address.Bytes.Length}";
            sink.Add("address-bytes", name, address.Bytes);
            sink.AddText("address-text", name + "-mainnet", address.ToString(FilecoinNetwork.Mainnet));
            sink.AddText("address-text", name + "-testnet", address.ToString(FilecoinNetwork.Testnet));
        }
    }
}
