using CsCheck;
using Venus.ChainSync.Network;

namespace Venus.ChainSync.Libp2p.Tests.Addressing;

/// <summary>Multiaddrs against the examples of multiformats/multiaddr and the peer-id spec, and against hostile input.</summary>
public sealed class MultiaddrTests
{
    // Text and binary pairs from go-multiaddr's tests and the multiaddr spec.
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/4001", "047f000001060fa1")]
    [InlineData("/ip4/0.0.0.0/tcp/0", "0400000000060000")]
    [InlineData("/ip6/::1/tcp/4001", "2900000000000000000000000000000001060fa1")]
    [InlineData("/dns4/example.com/tcp/443", "360b6578616d706c652e636f6d0601bb")]
    [InlineData("/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234", "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b0604d2")]
    public void Text_and_binary_forms_are_the_specs(string text, string hex)
    {
        Multiaddr fromText = Multiaddr.Parse(text);
        Multiaddr fromBytes = Multiaddr.FromBytes(Convert.FromHexString(hex));

        Assert.Equal(hex, Convert.ToHexStringLower(fromText.Bytes.Span));
        Assert.Equal(fromText, fromBytes);
        Assert.Equal(text, fromBytes.ToString());
    }

    [Theory]
    [InlineData("/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC", "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC")]
    [InlineData("/ip4/1.2.3.4/tcp/80/", "/ip4/1.2.3.4/tcp/80")]
    [InlineData("/ip6/2001:0db8:0000:0000:0000:0000:0000:0001/tcp/1", "/ip6/2001:db8::1/tcp/1")]
    [InlineData("/p2p/bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", "/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")]
    public void Other_accepted_spellings_print_in_the_canonical_form(string text, string canonical)
    {
        Assert.Equal(canonical, Multiaddr.Parse(text).ToString());
    }

    [Fact]
    public void The_peer_is_the_last_p2p_component_and_can_be_appended_once()
    {
        PeerId peer = PeerId.Parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        Multiaddr dial = Multiaddr.Parse("/dns/bootstrap-0.mainnet.filops.net/tcp/1347");

        Multiaddr full = dial.WithPeer(peer);

        Assert.Null(dial.PeerId);
        Assert.Equal(peer, full.PeerId);
        Assert.Equal("/dns/bootstrap-0.mainnet.filops.net/tcp/1347/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA", full.ToString());
        Assert.Equal([MultiaddrProtocol.Dns, MultiaddrProtocol.Tcp, MultiaddrProtocol.P2p], full.Protocols);
        Assert.Throws<InvalidOperationException>(() => full.WithPeer(peer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ip4/1.2.3.4")]
    [InlineData("/ip4")]
    [InlineData("/ip4/1.2.3")]
    [InlineData("/ip4/1.2.3.256")]
    [InlineData("/ip4/01.2.3.4")]
    [InlineData("/ip4/1.2.3.4.5")]
    [InlineData("/ip4/0x7f.0.0.1")]
    [InlineData("/ip6/1.2.3.4")]
    [InlineData("/ip6/fe80::1%eth0")]
    [InlineData("/tcp/65536")]
    [InlineData("/tcp/-1")]
    [InlineData("/tcp/080")]
    [InlineData("/tcp/+80")]
    [InlineData("/udp/4001")]
    [InlineData("/dns/exa mple.com")]
    [InlineData("/dns/bücher.de")]
    [InlineData("/p2p/Qm")]
    [InlineData("/p2p/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")]
    [InlineData("/ip4/1.2.3.4//tcp/1")]
    public void Malformed_or_unsupported_text_is_refused_with_a_FormatException(string text)
    {
        Assert.False(Multiaddr.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Multiaddr.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("04")] // ip4 cut short
    [InlineData("047f0000")]
    [InlineData("06")]
    [InlineData("9102")] // udp: not supported
    [InlineData("36ff")] // a dns length over the rest
    [InlineData("3600")] // an empty dns name
    [InlineData("a50305010203040a")] // p2p, not a peer-id multihash
    [InlineData("ffffffffffffffffffff01")] // a code varint past 64 bits
    public void Malformed_or_unsupported_bytes_are_refused_with_a_FormatException(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        Assert.False(Multiaddr.TryFromBytes(bytes, out _));
        Assert.Throws<FormatException>(() => Multiaddr.FromBytes(bytes));
    }

    [Fact]
    public void Lengths_and_component_counts_are_bounded()
    {
        string many = string.Concat(Enumerable.Repeat("/tcp/1", Multiaddr.MaxComponents + 1));
        string longName = "/dns/" + new string('a', 256);

        Assert.False(Multiaddr.TryParse(many, out _));
        Assert.False(Multiaddr.TryParse(longName, out _));
        Assert.True(Multiaddr.TryParse("/dns/" + new string('a', 255), out _));
        Assert.False(Multiaddr.TryFromBytes(new byte[Multiaddr.MaxLength + 1], out _));
    }

    [Fact]
    public void Random_bytes_never_throw_and_what_is_accepted_round_trips_through_both_forms()
    {
        Gen.Byte.Array[0, 64].Sample(bytes =>
        {
            if (Multiaddr.TryFromBytes(bytes, out Multiaddr? address))
            {
                Assert.Equal(address, Multiaddr.Parse(address.ToString()));
                Assert.Equal(bytes, address.Bytes.ToArray());
            }
        });
    }

    [Fact]
    public void Random_text_never_throws_and_what_is_accepted_prints_back_to_itself()
    {
        string[] pieces = ["/", "ip4", "ip6", "tcp", "dns", "p2p", "ipfs", "1.2.3.4", "::1", "80", "a.b", "Qm", "%", "é", "0"];
        Gen.Int[0, pieces.Length - 1].Array[0, 8].Select(ix => string.Concat(ix.Select(i => pieces[i]))).Sample(text =>
        {
            if (Multiaddr.TryParse(text, out Multiaddr? address))
            {
                Assert.Equal(address, Multiaddr.Parse(address.ToString()));
            }
        });
    }
}
