using System.Text;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.Identity;

/// <summary>This node's identity: key files of go-libp2p and js-libp2p, round trips, signatures, hostile files.</summary>
public sealed class Libp2pIdentityTests : IDisposable
{
    // libp2p/specs peer-ids/peer-ids.md, "Test vectors": an Ed25519 private key and its public key.
    private const string SpecEd25519Private = "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    private const string SpecEd25519Public = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

    // js-libp2p packages/crypto/test/fixtures/go-key-ed25519.ts, "verify" (made by go-libp2p): key, data, signature.
    private const string GoEd25519Private = "08011240e838af14f0a0132f5c5873dda40d24a29e88f71f1de74c8f0c5bc10458214317a3b0c32ffed03105c066203f3acaab9992a419d4195b921a75a59406cf5ad97e";
    private const string GoEd25519Signature = "a07d1e3ed5bdef5c574ccda9fb95bb396055afd51684e53cc41275c20cae871f27a8ae674e3725de25acdeef993fc59843a7bfd7a1d4d8a3514d2de4974f6501";

    // The same file's "redundantPubKey": the older 96-byte form (seed, public key, public key again).
    private const string GoEd25519RedundantPrivate = "08011260c9d0016eb010e62542b895fc4e38ce8802267698e2c575c836bd9cdab8077639e931dd61a49ef18149a6e1ffc1761654370ff9a8e1b4c6bf0e4bbbf3965be825e931dd61a49ef18149a6e1ffc1761654370ff9a8e1b4c6bf0e4bbbf3965be825";
    private const string GoEd25519RedundantPublic = "08011220e931dd61a49ef18149a6e1ffc1761654370ff9a8e1b4c6bf0e4bbbf3965be825";

    private readonly string _directory = Directory.CreateTempSubdirectory("libp2p-identity-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_spec_private_key_gives_the_spec_public_key_and_exports_to_the_same_bytes()
    {
        using Libp2pIdentity identity = Libp2pIdentity.FromPrivateKey(Convert.FromHexString(SpecEd25519Private));

        Assert.Equal(SpecEd25519Public, Convert.ToHexStringLower(identity.PublicKey.Span));
        Assert.Equal(SpecEd25519Private, Convert.ToHexStringLower(identity.ExportPrivateKey()));
    }

    [Fact]
    public void A_go_key_signs_as_go_signed_and_names_its_peer_id()
    {
        using Libp2pIdentity identity = Libp2pIdentity.FromPrivateKey(Convert.FromHexString(GoEd25519Private));

        byte[] signature = identity.Sign(Encoding.UTF8.GetBytes("hello! and welcome to some awesome crypto primitives"));

        // Ed25519 signatures are deterministic (RFC 8032).
        Assert.Equal(GoEd25519Signature, Convert.ToHexStringLower(signature));
        Assert.Equal(PeerId.Parse("12D3KooWLqLxEfJ9nDdEe8Kh8PFvNPQRYDQBwyL7CMM7HhVd5LsX"), identity.PeerId);
    }

    [Fact]
    public void The_older_96_byte_form_is_read_and_exported_in_the_64_byte_form()
    {
        using Libp2pIdentity identity = Libp2pIdentity.FromPrivateKey(Convert.FromHexString(GoEd25519RedundantPrivate));

        Assert.Equal(GoEd25519RedundantPublic, Convert.ToHexStringLower(identity.PublicKey.Span));
        Assert.Equal("08011240" + GoEd25519RedundantPrivate[8..136], Convert.ToHexStringLower(identity.ExportPrivateKey()));
    }

    [Fact]
    public void A_generated_identity_round_trips_and_its_signatures_verify_with_its_public_key()
    {
        using Libp2pIdentity identity = Libp2pIdentity.Generate();
        using Libp2pIdentity again = Libp2pIdentity.FromPrivateKey(identity.ExportPrivateKey());
        byte[] data = [1, 2, 3, 4];

        Assert.Equal(identity.PeerId, again.PeerId);
        Libp2pPublicKey key = Libp2pPublicKey.Decode(identity.PublicKey.Span);
        Assert.Equal(identity.PeerId, key.PeerId);
        Assert.True(key.Verify(data, again.Sign(data)));
        Assert.StartsWith("12D3KooW", identity.PeerId.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_writes_the_bare_protobuf_owner_only_and_load_reads_it_back()
    {
        string path = Path.Combine(_directory, "identity.key");
        using Libp2pIdentity identity = Libp2pIdentity.Generate();

        identity.Save(path);
        identity.Save(path); // over an existing file
        using Libp2pIdentity loaded = Libp2pIdentity.Load(path);

        Assert.Equal(identity.ExportPrivateKey(), File.ReadAllBytes(path));
        Assert.Equal(identity.PeerId, loaded.PeerId);
        Assert.Single(Directory.GetFiles(_directory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Load_refuses_a_file_longer_than_any_key_file()
    {
        string path = Path.Combine(_directory, "huge.key");
        File.WriteAllBytes(path, new byte[1 << 20]);

        Assert.Throws<FormatException>(() => Libp2pIdentity.Load(path));
    }

    [Theory]
    [InlineData("")] // nothing
    [InlineData("ffff")] // not a protobuf
    [InlineData("0801")] // no Data
    [InlineData("08021220" + "53dadf1d5a164d6b4acdb15e24aa4c5b1d3461bdbd42abedb0a4404d56ced8fb")] // the spec's secp256k1 key
    [InlineData("08011220" + "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d")] // a bare 32-byte seed
    [InlineData("08011240" + "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d" + "0ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")] // wrong public half
    public void Keys_that_are_not_ed25519_private_keys_are_refused(string hex)
    {
        Assert.Throws<FormatException>(() => Libp2pIdentity.FromPrivateKey(Convert.FromHexString(hex)));
    }

    [Fact]
    public void A_disposed_identity_no_longer_signs_but_still_names_its_peer()
    {
        Libp2pIdentity identity = Libp2pIdentity.Generate();
        PeerId peer = identity.PeerId;

        identity.Dispose();

        Assert.Throws<ObjectDisposedException>(() => identity.Sign([1]));
        Assert.Equal(peer, identity.PeerId);
    }
}
