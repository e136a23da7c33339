using System.Security.Cryptography;
using System.Text;
using NBitcoin.Secp256k1;
using Sha256 = System.Security.Cryptography.SHA256;
using Venus.ChainSync.Libp2p.Protobuf;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.Identity;

/// <summary>Public keys and peer ids against the peer-id spec's vectors and go-libp2p and js-libp2p fixtures.</summary>
public sealed class Libp2pPublicKeyTests
{
    // libp2p/specs peer-ids/peer-ids.md, "Test vectors".
    private const string SpecEd25519Public = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    private const string SpecSecp256k1Public = "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99";
    private const string SpecEcdsaPublic = "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62";

    // js-libp2p packages/crypto/test/fixtures/go-key-ed25519.ts ("verify", generated with go-libp2p) and the peer id
    // js-libp2p's ed25519.spec.ts expects for it.
    private const string GoEd25519Public = "08011220a3b0c32ffed03105c066203f3acaab9992a419d4195b921a75a59406cf5ad97e";
    private const string GoEd25519Signature = "a07d1e3ed5bdef5c574ccda9fb95bb396055afd51684e53cc41275c20cae871f27a8ae674e3725de25acdeef993fc59843a7bfd7a1d4d8a3514d2de4974f6501";
    private const string GoEd25519PeerId = "12D3KooWLqLxEfJ9nDdEe8Kh8PFvNPQRYDQBwyL7CMM7HhVd5LsX";
    private static readonly byte[] GoFixtureMessage = Encoding.UTF8.GetBytes("hello! and welcome to some awesome crypto primitives");

    // go-libp2p core/crypto/test_data/2.pub and 2.sig (Secp256k1), a signature of "Libp2p is the _best_!".
    private const string GoSecp256k1Public = "08021221023540ad842af8a43551a94d8383a555a99226506b88f953d2e70316a3a1b3d6a2";
    private const string GoSecp256k1Signature = "3044022031a7d633c2f3e45a16128d43751afaa8dc9ba24092c5f5b3cad2c8fe4cf388f2022049ea8d219f458683d24775d543ea8fb290704347fb35493c403bc2c259b29d9e";

    // js-libp2p packages/crypto/test/fixtures/go-key-secp256k1.ts (generated with go).
    private const string JsGoSecp256k1Public = "08021221029c0ce5d53646ed47112560297a3e59b78b8cbd4bae37c7a0c236eeb91d0fbeaf";
    private const string JsGoSecp256k1Signature = "304402200e4c629e9f5d99439115e60989cd40087f6978c36078b0b50cf3d30af5c38d4102204110342c8e7f0809897c1c7a66e49e1c6b7cb0a6ed6993640ec2fe742c1899a9";

    [Theory]
    [InlineData(SpecEd25519Public, (int)KeyType.Ed25519)]
    [InlineData(SpecSecp256k1Public, (int)KeyType.Secp256K1)]
    [InlineData(SpecEcdsaPublic, (int)KeyType.Ecdsa)]
    [InlineData(GoEd25519Public, (int)KeyType.Ed25519)]
    [InlineData(GoSecp256k1Public, (int)KeyType.Secp256K1)]
    public void The_spec_and_fixture_keys_decode_and_encode_back_to_the_same_bytes(string hex, int type)
    {
        Libp2pPublicKey key = Libp2pPublicKey.Decode(Convert.FromHexString(hex));

        Assert.Equal((KeyType)type, key.Type);
        Assert.Equal(hex, Convert.ToHexStringLower(key.Encoded.Span));
    }

    [Fact]
    public void A_go_ed25519_key_names_the_peer_id_js_libp2p_expects_and_verifies_its_signature()
    {
        Libp2pPublicKey key = Libp2pPublicKey.Decode(Convert.FromHexString(GoEd25519Public));

        Assert.Equal(GoEd25519PeerId, key.PeerId.ToString());
        Assert.True(key.Verify(GoFixtureMessage, Convert.FromHexString(GoEd25519Signature)));
        Assert.False(key.Verify(GoFixtureMessage.AsSpan(1), Convert.FromHexString(GoEd25519Signature)));
    }

    [Fact]
    public void The_spec_ed25519_key_is_inlined_in_an_identity_multihash()
    {
        byte[] encoded = Convert.FromHexString(SpecEd25519Public);

        PeerId id = Libp2pPublicKey.Decode(encoded).PeerId;

        Assert.Equal([0x00, 0x24, .. encoded], id.Bytes.ToArray());
        Assert.StartsWith("12D3KooW", id.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_longer_than_42_bytes_is_named_by_its_sha256_multihash()
    {
        byte[] encoded = Convert.FromHexString(SpecEcdsaPublic);

        PeerId id = Libp2pPublicKey.Decode(encoded).PeerId;

        Assert.Equal([0x12, 0x20, .. Sha256.HashData(encoded)], id.Bytes.ToArray());
        Assert.StartsWith("Qm", id.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_secp256k1_peer_id_is_inlined_and_starts_as_libp2p_prints_it()
    {
        PeerId id = Libp2pPublicKey.Decode(Convert.FromHexString(SpecSecp256k1Public)).PeerId;

        Assert.StartsWith("16Uiu2", id.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GoSecp256k1Public, "Libp2p is the _best_!", GoSecp256k1Signature)]
    [InlineData(JsGoSecp256k1Public, "hello! and welcome to some awesome crypto primitives", JsGoSecp256k1Signature)]
    public void Go_secp256k1_signatures_verify(string publicHex, string message, string signatureHex)
    {
        Libp2pPublicKey key = Libp2pPublicKey.Decode(Convert.FromHexString(publicHex));
        byte[] signature = Convert.FromHexString(signatureHex);

        Assert.True(key.Verify(Encoding.UTF8.GetBytes(message), signature));
        Assert.False(key.Verify(Encoding.UTF8.GetBytes(message + "!"), signature));
        signature[^1] ^= 1;
        Assert.False(key.Verify(Encoding.UTF8.GetBytes(message), signature));
    }

    [Fact]
    public void A_secp256k1_signature_made_here_verifies_in_low_and_high_s_form_as_go_accepts_both()
    {
        // go-libp2p core/crypto/test_data/2.priv's secret.
        byte[] secret = Convert.FromHexString("3141bd606a504c44f23494d8f3174ef25b1fb9b52daa07d058be83b6e046b158");
        using ECPrivKey privateKey = ECPrivKey.Create(secret);
        byte[] message = Encoding.UTF8.GetBytes("Libp2p is the _best_!");
        SecpECDSASignature signature = privateKey.SignECDSARFC6979(Sha256.HashData(message));
        Libp2pPublicKey key = Libp2pPublicKey.Decode(Convert.FromHexString(GoSecp256k1Public));

        // RFC 6979 is deterministic: the same signature go's dcrd made for the fixture.
        Assert.Equal(GoSecp256k1Signature, Convert.ToHexStringLower(signature.ToDER()));
        Assert.True(key.Verify(message, signature.ToDER()));
        var highS = new SecpECDSASignature(signature.r, signature.s.Negate(), enforceCheck: true);
        Assert.True(key.Verify(message, highS.ToDER()));
    }

    [Fact]
    public void Rsa_and_ecdsa_keys_decode_but_verify_nothing()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] message = [1, 2, 3];
        byte[] signature = ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        Libp2pPublicKey key = Libp2pPublicKey.FromParts(KeyType.Ecdsa, ecdsa.ExportSubjectPublicKeyInfo());

        Assert.False(key.Verify(message, signature));
    }

    [Fact]
    public void Fields_out_of_order_are_read_and_the_peer_id_is_of_the_canonical_form()
    {
        byte[] canonical = Convert.FromHexString(SpecEd25519Public);
        byte[] reordered = [.. canonical[2..], .. canonical[..2]];

        Libp2pPublicKey key = Libp2pPublicKey.Decode(reordered);

        Assert.Equal(canonical, key.Encoded.ToArray());
        Assert.Equal(Libp2pPublicKey.Decode(canonical).PeerId, key.PeerId);
    }

    [Theory]
    [InlineData("")] // no fields
    [InlineData("0801")] // no Data
    [InlineData("1220" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")] // no Type
    [InlineData("08011221001ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")] // Ed25519 of 33 bytes
    [InlineData("080112101ed1e8fae2c4a144b8be8fd4b47bf3d3")] // Ed25519 of 16 bytes
    [InlineData("08051220" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")] // type 5
    [InlineData("08021221057777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99")] // bad point prefix
    [InlineData("08021220" + "7777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99")] // secp256k1 of 32
    [InlineData("08031203300100")] // ECDSA garbage DER
    [InlineData("08001203010203")] // RSA garbage DER
    [InlineData("080112400102")] // Data cut short
    [InlineData("08011280")] // truncated length varint
    [InlineData("ffffffffffffffffffffff")] // garbage
    [InlineData("23232323232323232323232323232323")] // sixteen nested unknown groups (field 4, wire type 3): past the nesting limit
    public void Hostile_keys_are_protocol_violations(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);

        Assert.Throws<Libp2pProtocolException>(() => Libp2pPublicKey.Decode(bytes));
    }

    [Fact]
    public void A_key_past_the_length_bound_is_refused_before_parsing()
    {
        byte[] huge = new byte[Libp2pPublicKey.MaxEncodedLength + 1];

        var ex = Assert.Throws<Libp2pProtocolException>(() => Libp2pPublicKey.Decode(huge));
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_a_protocol_violation()
    {
        var random = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (random.Next(2) == 0 && bytes.Length > 4)
            {
                bytes[0] = 0x08;
                bytes[1] = (byte)random.Next(0, 5);
                bytes[2] = 0x12;
                bytes[3] = (byte)(bytes.Length - 4);
            }

            try
            {
                Libp2pPublicKey.Decode(bytes);
            }
            catch (Libp2pProtocolException)
            {
            }
        }
    }

    [Fact]
    public void An_identity_peer_id_gives_back_its_key_and_a_hashed_one_does_not()
    {
        Libp2pPublicKey ed25519 = Libp2pPublicKey.Decode(Convert.FromHexString(GoEd25519Public));
        Libp2pPublicKey ecdsa = Libp2pPublicKey.Decode(Convert.FromHexString(SpecEcdsaPublic));

        Assert.True(PeerIdKeys.TryExtractPublicKey(PeerId.Parse(GoEd25519PeerId), out Libp2pPublicKey? extracted));
        Assert.Equal(ed25519.Encoded.ToArray(), extracted.Encoded.ToArray());
        Assert.Equal(ed25519.PeerId, PeerIdKeys.FromPublicKey(ed25519));
        Assert.False(PeerIdKeys.TryExtractPublicKey(ecdsa.PeerId, out _));
        Assert.False(PeerIdKeys.TryExtractPublicKey(PeerId.ForName("not-a-key"), out _));
        Assert.False(PeerIdKeys.TryExtractPublicKey(default, out _));
    }

    [Fact]
    public void Unknown_fields_are_skipped_not_kept()
    {
        byte[] key = Convert.FromHexString("08011220" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");
        byte[] withUnknown = [.. key, 0x1a, 0x03, 1, 2, 3]; // field 3, length-delimited: not part of PublicKey

        Libp2pPublicKey decoded = Libp2pPublicKey.Decode(withUnknown);

        Assert.Equal(key, decoded.Encoded.ToArray());
        Assert.Equal(Libp2pPublicKey.Decode(key).PeerId, decoded.PeerId);
    }
}
