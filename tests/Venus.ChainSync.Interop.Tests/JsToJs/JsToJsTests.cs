using Venus.ChainSync.Interop.Tests.Chain;
using Venus.ChainSync.Interop.Tests.Harness;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Interop.Tests.JsToJs;

/// <summary>
/// Two js-libp2p peers through the harness: proves peer.mjs and <see cref="JsPeerProcess"/> before any .NET host
/// is put in the place of one of them.
/// </summary>
public sealed class JsToJsTests(CarChainFixture chain) : IClassFixture<CarChainFixture>
{
    private const string Echo = "/venus-interop/echo/1.0.0";
    private const string Hello = "/fil/hello/1.0.0";
    private const string Exchange = "/fil/chain/xchg/0.0.1";

    [SkippableFact]
    public async Task Dial_OverIpv4Loopback_ReturnsTheListenersPeerId()
    {
        await using JsPeerPair pair = await JsPeerPair.StartAsync(chain);

        string peer = await pair.Client.DialAsync(pair.Server.Ip4Address, TestGuard.Token());

        Assert.Equal(pair.Server.PeerId, peer);
    }

    [SkippableFact]
    public async Task Dial_OverIpv6Loopback_ReturnsTheListenersPeerId()
    {
        await using JsPeerPair pair = await JsPeerPair.StartAsync(chain);
        string ip6 = pair.Server.Addresses.Single(a => a.StartsWith("/ip6/::1/tcp/", StringComparison.Ordinal));

        string peer = await pair.Client.DialAsync(ip6, TestGuard.Token());

        Assert.Equal(pair.Server.PeerId, peer);
    }

    [SkippableFact]
    public async Task Dial_EmitsConnectedOnBothSides()
    {
        await using JsPeerPair pair = await JsPeerPair.StartAsync(chain);

        await pair.Client.DialAsync(pair.Server.Ip4Address, TestGuard.Token());

        var atServer = await pair.Server.WaitForEventAsync("connected", cancellationToken: TestGuard.Token());
        var atClient = await pair.Client.WaitForEventAsync("connected", cancellationToken: TestGuard.Token());
        Assert.Equal(pair.Client.PeerId, atServer.GetProperty("peer").GetString());
        Assert.Equal("inbound", atServer.GetProperty("direction").GetString());
        Assert.Equal(pair.Server.PeerId, atClient.GetProperty("peer").GetString());
    }

    [SkippableFact]
    public async Task Identify_AfterDial_ListsTheServedProtocolsAndBothListenAddresses()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);

        JsIdentifyResult seen = await pair.Client.IdentifyAsync(pair.Server.PeerId, TestGuard.Token());

        Assert.Equal(pair.Server.PeerId, seen.Peer);
        Assert.Subset(seen.Protocols.ToHashSet(), new HashSet<string> { Echo, Hello, Exchange, "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0" });
        Assert.Equal(2, seen.ListenAddrs.Count);
        Assert.Equal("ipfs/0.1.0", seen.ProtocolVersion);
        Assert.NotNull(seen.ObservedAddr);
    }

    [SkippableFact]
    public async Task Ping_AfterDial_ReturnsARoundTrip()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);

        double rtt = await pair.Client.PingAsync(pair.Server.PeerId, TestGuard.Token());

        Assert.True(rtt >= 0);
    }

    [SkippableFact]
    public async Task Echo_TenMebibytes_ComesBackIdentical()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);
        const int Size = 10 * 1024 * 1024;

        JsEchoResult echo = await pair.Client.EchoAsync(pair.Server.PeerId, Size, seed: 7, TestGuard.Token(60));

        Assert.Equal(Size, echo.Sent);
        Assert.Equal(Size, echo.Received);
        Assert.Equal(echo.Sha256Sent, echo.Sha256Received);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(EchoBytes.Generate(Size, 7))), echo.Sha256Sent);
    }

    [SkippableFact]
    public async Task Streams_HundredConcurrentOnOneConnection_AllEchoIntact()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);

        JsStreamsResult streams = await pair.Client.StreamsAsync(pair.Server.PeerId, count: 100, bytes: 64 * 1024, TestGuard.Token(60));

        Assert.Equal(new JsStreamsResult(AllMatched: true, Count: 100), streams);
    }

    [SkippableFact]
    public async Task Hello_WithTheServedHead_ServerSeesHeadHeightWeightAndGenesis()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);

        JsLatency latency = await pair.Client.HelloAsync(pair.Server.PeerId, TestGuard.Token());

        Assert.True(latency.TSent >= latency.TArrival);
        var greeting = await pair.Server.WaitForEventAsync("hello", cancellationToken: TestGuard.Token());
        Assert.Equal(pair.Client.PeerId, greeting.GetProperty("peer").GetString());
        Assert.Equal(chain.Chain.Head.Key.Cids.Select(c => c.ToString()), greeting.GetProperty("heaviestTipSet").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(chain.Chain.Head.Height, greeting.GetProperty("height").GetInt64());
        Assert.Equal(chain.Chain.HeadWeight.ToString(System.Globalization.CultureInfo.InvariantCulture), greeting.GetProperty("weight").GetString());
        Assert.Equal(chain.Chain.Genesis.Key.Cids[0].ToString(), greeting.GetProperty("genesis").GetString());
    }

    [SkippableFact]
    public async Task Greet_WhenIdentifyListsHello_GreetsTheServerUnasked()
    {
        await using JsPeerPair pair = await JsPeerPair.StartAsync(chain, clientGreets: true);

        await pair.Client.DialAsync(pair.Server.Ip4Address, TestGuard.Token());

        var greeting = await pair.Server.WaitForEventAsync("hello", cancellationToken: TestGuard.Token());
        Assert.Equal(chain.Chain.Head.Height, greeting.GetProperty("height").GetInt64());
        var greeted = await pair.Client.WaitForEventAsync("greeted", cancellationToken: TestGuard.Token());
        Assert.Equal(pair.Server.PeerId, greeted.GetProperty("peer").GetString());
    }

    [SkippableFact]
    public async Task SyncHeaders_MoreThanTheChainHolds_ReturnsPartialWithEveryTipSetDownToGenesis()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);

        JsSyncResult sync = await pair.Client.SyncHeadersAsync(pair.Server.PeerId, chain.Chain.Head.Key, length: 900, TestGuard.Token());

        Assert.Equal(101, sync.Status);
        Assert.Equal(chain.Chain.TipSets.Select(t => t.Key), sync.TipSets);
        Assert.Equal(chain.Chain.TipSets.Select(t => t.Height), sync.Heights);
    }

    [SkippableFact]
    public async Task SyncHeaders_TenFromAnInnerTipSet_ReturnsOkAndThoseTen()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);
        IReadOnlyList<TipSet> expected = [.. chain.Chain.TipSets.Skip(5).Take(10)];

        JsSyncResult sync = await pair.Client.SyncHeadersAsync(pair.Server.PeerId, expected[0].Key, length: 10, TestGuard.Token());

        Assert.Equal(0, sync.Status);
        Assert.Equal(expected.Select(t => t.Key), sync.TipSets);
    }

    [SkippableFact]
    public async Task SyncMessages_WholeChain_CountsEachTipSetsDistinctMessages()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);

        JsSyncResult sync = await pair.Client.SyncMessagesAsync(pair.Server.PeerId, chain.Chain.Head.Key, length: 900, TestGuard.Token());

        var expected = chain.Chain.TipSets.Select(t =>
        {
            var full = chain.Chain.Builder.GetFullTipSet(t);
            return (full.Blocks.SelectMany(b => b.BlsMessages).Select(m => m.Cid).Distinct().Count(),
                    full.Blocks.SelectMany(b => b.SecpkMessages).Select(m => m.Cid).Distinct().Count());
        });
        Assert.Equal(expected, sync.Messages.Select(m => (m!.Bls, m.Secpk)));
    }

    [SkippableFact]
    public async Task SyncHeaders_HeadNotHeld_ReturnsInternalError()
    {
        await using JsPeerPair pair = await JsPeerPair.ConnectedAsync(chain);

        JsSyncResult sync = await pair.Client.SyncHeadersAsync(pair.Server.PeerId, TipSetKey.Create(chain.Chain.Builder.GenesisParent), length: 1, TestGuard.Token());

        Assert.Equal(203, sync.Status);
        Assert.Empty(sync.TipSets);
    }

    [SkippableFact]
    public async Task Stop_ExitsWithZero()
    {
        await using JsPeerProcess peer = await JsPeerProcess.StartAsync();

        int exitCode = await peer.StopAsync(TestGuard.Token());

        Assert.Equal(0, exitCode);
    }

    [SkippableFact]
    public async Task UnknownCommand_FailsThatCommandOnly()
    {
        await using JsPeerProcess peer = await JsPeerProcess.StartAsync();

        await Assert.ThrowsAsync<JsPeerCommandException>(() => peer.SendAsync("nonsense", cancellationToken: TestGuard.Token()));
        var info = await peer.SendAsync("info", cancellationToken: TestGuard.Token());

        Assert.Equal(peer.PeerId, info.GetProperty("peerId").GetString());
    }
}
