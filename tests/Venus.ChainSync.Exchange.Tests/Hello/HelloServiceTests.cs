// NSubstitute configures and checks a call by making it; the ValueTasks those calls return are never awaited.
#pragma warning disable CA2012

using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Hello;

/// <summary>The hello service over the in-memory network.</summary>
public sealed class HelloServiceTests : HelloServiceSuite
{
    internal override StreamNetworkKit CreateNetwork(TimeProvider time) => new InMemoryStreamNetworkKit(time);
}

/// <summary>
/// The hello service against peers on a <see cref="StreamNetworkKit"/>, so the same tests run over the in-memory
/// network and over libp2p hosts on loopback. The service's clock is always the harness's fake one.
/// </summary>
public abstract class HelloServiceSuite
{
    private static CancellationToken Guard() => HelloHarness.Guard();

    internal abstract StreamNetworkKit CreateNetwork(TimeProvider time);

    private Task<HelloHarness> NewHarnessAsync(HelloServiceOptions? options = null) => HelloHarness.CreateAsync(CreateNetwork, options);

    [Fact]
    public async Task Greeting_with_our_genesis_is_answered_from_the_clock_and_a_local_head_is_reported_without_fetching()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.HaveLocally(HelloChain.PeerHead);
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");

        LatencyMessage latency = await harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.PeerHead));
        GreetedHead head = await harness.NextHeadAsync();

        Assert.Equal(HelloHarness.StartNanoseconds, latency.TArrival);
        Assert.Equal(HelloHarness.StartNanoseconds, latency.TSent);
        Assert.Equal(HelloChain.PeerHead.TipSet, head.Head.TipSet);
        Assert.Equal(peer.LocalPeer, head.Peer);
        await harness.WaitForResultAsync("accepted");
        await harness.Exchange.DidNotReceiveWithAnyArgs().GetFullTipSetAsync(default!, default!, default);
        harness.Exchange.Received(1).AddPeer(peer.LocalPeer);
    }

    [Fact]
    public async Task Greeting_for_a_tipset_we_lack_is_fetched_from_that_peer_stored_and_reported()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.Exchange.GetFullTipSetAsync(Arg.Any<IReadOnlyList<PeerId>>(), HelloChain.PeerHead.Key, Arg.Any<CancellationToken>())
            .Returns(HelloChain.PeerHead);
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");

        await harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.PeerHead));
        GreetedHead head = await harness.NextHeadAsync();

        Assert.Equal(HelloChain.PeerHead.TipSet, head.Head.TipSet);
        await harness.Exchange.Received(1).GetFullTipSetAsync(
            Arg.Is<IReadOnlyList<PeerId>>(peers => peers.SequenceEqual(new[] { peer.LocalPeer })),
            HelloChain.PeerHead.Key,
            Arg.Any<CancellationToken>());
        await harness.WaitForResultAsync("accepted");
    }

    [Fact]
    public async Task Head_lighter_than_ours_is_reported_anyway_as_Lotus_does()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        FullTipSet low = HelloChain.Full(HelloChain.Header(1, TipSetKey.Create(HelloChain.Genesis.Cid)));
        harness.HaveLocally(low);
        await harness.StartAsync();

        await harness.GreetAsync(await harness.Network.CreateHostAsync("peer"), HelloChain.GreetingFor(low));

        Assert.Equal(low.TipSet, (await harness.NextHeadAsync()).Head.TipSet);
    }

    [Fact]
    public async Task Greeting_with_another_genesis_disconnects_the_peer_counts_it_and_reports_nothing()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");

        // Our answer never comes: the stream is reset, so the peer's read fails.
        await Assert.ThrowsAnyAsync<IOException>(() => harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.PeerHead, HelloChain.ForeignGenesis.Cid)));
        await harness.WaitForResultAsync("wrong_genesis");

        Assert.DoesNotContain(peer.LocalPeer, harness.Us.ConnectedPeers);
        await harness.Network.DisconnectedAsync(peer, harness.Us.LocalPeer); // the guard fails the test if never
        Assert.Empty(await harness.StopAndDrainAsync());
        await harness.Chain.DidNotReceiveWithAnyArgs().TryLoadFullTipSetAsync(default!, default);
        await harness.Exchange.DidNotReceiveWithAnyArgs().GetFullTipSetAsync(default!, default!, default);
        harness.Exchange.DidNotReceiveWithAnyArgs().AddPeer(default);
    }

    [Fact]
    public async Task Disconnected_peer_is_removed_from_the_exchange_candidates()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");
        await harness.Network.ConnectAsync(peer, harness.Us);

        await peer.DisconnectAsync(harness.Us.LocalPeer, Guard());

        CancellationToken guard = Guard();
        while (!harness.Exchange.ReceivedCalls().Any(c => c.GetMethodInfo().Name == nameof(IChainExchange.RemovePeer)))
        {
            guard.ThrowIfCancellationRequested();
            await Task.Yield();
        }

        harness.Exchange.Received(1).RemovePeer(peer.LocalPeer);
    }

    [Fact]
    public async Task Malformed_greeting_is_counted_the_stream_reset_and_nothing_reported()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");

        await using INetworkStream stream = await peer.OpenStreamAsync(harness.Us.LocalPeer, HelloMessage.ProtocolId, Guard());
        // The service resets the stream as soon as the bytes fail to decode, which over a real connection can be
        // before our FIN has left: the reset surfaces at the half-close or at the read.
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await stream.Output.WriteAsync(new byte[] { 0x82, 0x01, 0x02 }, Guard()); // [1, 2]: CBOR, not a greeting
            await stream.CompleteWritingAsync(Guard());
            await HelloHarness.ReadAllAsync(stream);
        });
        await harness.WaitForResultAsync("malformed");

        Assert.Contains(peer.LocalPeer, harness.Us.ConnectedPeers); // innocent until proven guilty, as in Venus
        Assert.Empty(await harness.StopAndDrainAsync());
        await harness.Chain.DidNotReceiveWithAnyArgs().TryLoadFullTipSetAsync(default!, default);
    }

    [Fact]
    public async Task Greeting_larger_than_the_limit_is_counted_malformed()
    {
        await using HelloHarness harness = await NewHarnessAsync(new HelloServiceOptions { MaxGreetingBytes = 64 });
        await harness.StartAsync();
        TipSetKey wide = TipSetKey.Create(Enumerable.Range(0, 3).Select(i => HelloChain.Header(5, TipSetKey.Empty, miner: 2000 + i).Cid));
        var greeting = new HelloMessage(wide, 5, new BigInteger(50), HelloChain.Genesis.Cid);

        IStreamHost peer = await harness.Network.CreateHostAsync("peer");
        await Assert.ThrowsAnyAsync<IOException>(() => harness.GreetAsync(peer, greeting));
        await harness.WaitForResultAsync("malformed");

        Assert.Empty(await harness.StopAndDrainAsync());
    }

    [Fact]
    public async Task Peer_that_sends_part_of_a_greeting_and_resets_is_counted_unreadable_and_the_service_goes_on()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.HaveLocally(HelloChain.PeerHead);
        await harness.StartAsync();
        IStreamHost rude = await harness.Network.CreateHostAsync("rude");
        byte[] greeting = HelloChain.GreetingFor(HelloChain.PeerHead).Encode();

        INetworkStream stream = await rude.OpenStreamAsync(harness.Us.LocalPeer, HelloMessage.ProtocolId, Guard());
        await stream.Output.WriteAsync(greeting.AsMemory(0, greeting.Length / 2), Guard());
        stream.Abort();
        await stream.DisposeAsync();
        await harness.WaitForResultAsync("unreadable");

        IStreamHost polite = await harness.Network.CreateHostAsync("polite");
        await harness.GreetAsync(polite, HelloChain.GreetingFor(HelloChain.PeerHead));
        GreetedHead head = await harness.NextHeadAsync();

        Assert.Equal(polite.LocalPeer, head.Peer);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Peer_that_sends_a_whole_greeting_and_resets_before_the_answer_does_not_break_the_service()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.HaveLocally(HelloChain.PeerHead);
        harness.HaveLocally(HelloChain.LaterPeerHead);
        await harness.StartAsync();
        IStreamHost rude = await harness.Network.CreateHostAsync("rude");

        INetworkStream stream = await rude.OpenStreamAsync(harness.Us.LocalPeer, HelloMessage.ProtocolId, Guard());
        await stream.Output.WriteAsync(HelloChain.GreetingFor(HelloChain.PeerHead).Encode(), Guard());
        await stream.CompleteWritingAsync(Guard());
        stream.Abort();
        await stream.DisposeAsync();
        await harness.Greetings.WaitForMeasurementsAsync(1, Guard());

        // A reset discards what was not read yet, so whether the greeting got through is a race; either way the
        // handler ends and the service goes on.
        string? first = Assert.Single(harness.Results());
        Assert.Contains(first, new[] { "accepted", "unreadable" });
        IStreamHost polite = await harness.Network.CreateHostAsync("polite");
        await harness.GreetAsync(polite, HelloChain.GreetingFor(HelloChain.LaterPeerHead));
        GreetedHead head = await harness.NextHeadAsync();
        if (first == "accepted")
        {
            Assert.Equal(rude.LocalPeer, head.Peer);
            head = await harness.NextHeadAsync();
        }

        Assert.Equal(polite.LocalPeer, head.Peer);
        Assert.Equal(HelloChain.LaterPeerHead.TipSet, head.Head.TipSet);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Peer_that_never_half_closes_is_still_answered()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.HaveLocally(HelloChain.PeerHead);
        await harness.StartAsync();

        LatencyMessage latency = await harness.GreetAsync(await harness.Network.CreateHostAsync("venus"), HelloChain.GreetingFor(HelloChain.PeerHead), halfClose: false);

        Assert.Equal(HelloHarness.StartNanoseconds, latency.TArrival);
        Assert.Equal(HelloChain.PeerHead.TipSet, (await harness.NextHeadAsync()).Head.TipSet);
    }

    [Fact]
    public async Task Greeting_that_does_not_arrive_before_the_deadline_is_counted_unreadable()
    {
        var options = new HelloServiceOptions { GreetingReadTimeout = TimeSpan.FromSeconds(7) };
        await using HelloHarness harness = await NewHarnessAsync(options);
        await harness.StartAsync();
        byte[] greeting = HelloChain.GreetingFor(HelloChain.PeerHead).Encode();

        await using INetworkStream stream = await (await harness.Network.CreateHostAsync("slow")).OpenStreamAsync(harness.Us.LocalPeer, HelloMessage.ProtocolId, Guard());
        await stream.Output.WriteAsync(greeting.AsMemory(0, 10), Guard());
        await harness.Time.TimerCreated(options.GreetingReadTimeout).WaitAsync(Guard());
        harness.Time.Advance(options.GreetingReadTimeout);
        await harness.WaitForResultAsync("unreadable");

        FakeLogRecord record = await harness.WaitForLogAsync(3221);
        Assert.Equal(nameof(ReadFailure.Deadline), record.GetStructuredStateValue("Failure"));
        Assert.Empty(await harness.StopAndDrainAsync());
    }

    [Fact]
    public async Task Second_greeting_from_a_peer_whose_fetch_is_running_is_dropped_as_busy()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<FullTipSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Exchange.GetFullTipSetAsync(Arg.Any<IReadOnlyList<PeerId>>(), Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                called.TrySetResult();
                return release.Task;
            });
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");

        await harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.PeerHead));
        await called.Task.WaitAsync(Guard());
        await harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.LaterPeerHead));
        await harness.WaitForResultAsync("busy");
        release.SetResult(HelloChain.PeerHead);
        GreetedHead head = await harness.NextHeadAsync();
        await harness.WaitForResultAsync("accepted");

        Assert.Equal(HelloChain.PeerHead.TipSet, head.Head.TipSet);
        await harness.Exchange.ReceivedWithAnyArgs(1).GetFullTipSetAsync(default!, default!, default);
        Assert.Empty(await harness.StopAndDrainAsync());
    }

    [Fact]
    public async Task Greeting_after_the_peers_fetch_ended_is_fetched_again()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.Exchange.GetFullTipSetAsync(Arg.Any<IReadOnlyList<PeerId>>(), Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>())
            .Returns(HelloChain.PeerHead, HelloChain.LaterPeerHead);
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");

        await harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.PeerHead));
        Assert.Equal(HelloChain.PeerHead.TipSet, (await harness.NextHeadAsync()).Head.TipSet);
        await harness.WaitForResultAsync("accepted");
        await harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.LaterPeerHead));

        Assert.Equal(HelloChain.LaterPeerHead.TipSet, (await harness.NextHeadAsync()).Head.TipSet);
    }

    [Fact]
    public async Task Greetings_beyond_the_fetch_cap_are_dropped_as_busy()
    {
        await using HelloHarness harness = await NewHarnessAsync(new HelloServiceOptions { MaxConcurrentFetches = 1 });
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<FullTipSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Exchange.GetFullTipSetAsync(Arg.Any<IReadOnlyList<PeerId>>(), Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                called.TrySetResult();
                return release.Task;
            });
        await harness.StartAsync();

        await harness.GreetAsync(await harness.Network.CreateHostAsync("first"), HelloChain.GreetingFor(HelloChain.PeerHead));
        await called.Task.WaitAsync(Guard());
        await harness.GreetAsync(await harness.Network.CreateHostAsync("second"), HelloChain.GreetingFor(HelloChain.LaterPeerHead));
        await harness.WaitForResultAsync("busy");
        release.SetResult(HelloChain.PeerHead);

        Assert.Equal(HelloChain.PeerHead.TipSet, (await harness.NextHeadAsync()).Head.TipSet);
        await harness.Exchange.ReceivedWithAnyArgs(1).GetFullTipSetAsync(default!, default!, default);
    }

    [Fact]
    public async Task Failed_fetch_is_counted_and_reports_nothing()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.Exchange.GetFullTipSetAsync(Arg.Any<IReadOnlyList<PeerId>>(), Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ExchangeFailedException("no peer could answer"));
        await harness.StartAsync();

        await harness.GreetAsync(await harness.Network.CreateHostAsync("peer"), HelloChain.GreetingFor(HelloChain.PeerHead));
        await harness.WaitForResultAsync("fetch_failed");

        Assert.Empty(await harness.StopAndDrainAsync());
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Fetched_tipset_other_than_the_greeted_one_is_refused()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.Exchange.GetFullTipSetAsync(Arg.Any<IReadOnlyList<PeerId>>(), Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>())
            .Returns(HelloChain.LaterPeerHead);
        await harness.StartAsync();

        await harness.GreetAsync(await harness.Network.CreateHostAsync("peer"), HelloChain.GreetingFor(HelloChain.PeerHead));
        await harness.WaitForResultAsync("fetch_failed");

        Assert.Empty(await harness.StopAndDrainAsync());
    }

    [Fact]
    public async Task Greeting_with_an_empty_head_is_answered_but_nothing_is_fetched()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        await harness.StartAsync();

        LatencyMessage latency = await harness.GreetAsync(
            await harness.Network.CreateHostAsync("peer"), new HelloMessage(TipSetKey.Empty, 0, BigInteger.Zero, HelloChain.Genesis.Cid));
        await harness.WaitForResultAsync("ignored");

        Assert.Equal(HelloHarness.StartNanoseconds, latency.TSent);
        Assert.Empty(await harness.StopAndDrainAsync());
        await harness.Chain.DidNotReceiveWithAnyArgs().TryLoadFullTipSetAsync(default!, default);
    }

    [Fact]
    public async Task Greeting_naming_the_genesis_tipset_is_not_reported()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.HaveLocally(HelloChain.GenesisTipSet);
        await harness.StartAsync();

        await harness.GreetAsync(await harness.Network.CreateHostAsync("newborn"), HelloChain.GreetingFor(HelloChain.GenesisTipSet));
        await harness.WaitForResultAsync("ignored");

        Assert.Empty(await harness.StopAndDrainAsync());
    }

    [Fact]
    public async Task Failing_chain_source_is_logged_as_a_local_fault_and_counted()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.Chain.TryLoadFullTipSetAsync(Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>())
            .Returns<ValueTask<FullTipSet?>>(_ => throw new InvalidOperationException("store is gone"));
        await harness.StartAsync();

        await harness.GreetAsync(await harness.Network.CreateHostAsync("peer"), HelloChain.GreetingFor(HelloChain.PeerHead));
        await harness.WaitForResultAsync("internal_error");

        Assert.Contains(harness.Logs.GetSnapshot(), r => r.Id.Id == 3203 && r.Level == LogLevel.Error);
        Assert.Empty(await harness.StopAndDrainAsync());
    }

    [Fact]
    public async Task New_connection_is_greeted_with_our_head_and_the_latency_answer_is_read()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");
        var received = new TaskCompletionSource<HelloMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.SetStreamHandler(HelloMessage.ProtocolId, async (stream, ct) =>
        {
            byte[] bytes = await HelloHarness.ReadAllAsync(stream);
            await stream.Output.WriteAsync(new LatencyMessage(HelloHarness.StartNanoseconds - 1000, HelloHarness.StartNanoseconds - 1000).Encode(), ct);
            await stream.CompleteWritingAsync(ct);
            received.TrySetResult(HelloMessage.Decode(bytes));
        });
        await harness.StartAsync();

        await harness.Network.ConnectAsync(peer, harness.Us);
        HelloMessage greeting = await received.Task.WaitAsync(Guard());
        FakeLogRecord latency = await harness.WaitForLogAsync(3212);

        Assert.Equal(HelloChain.OurHead.Key, greeting.HeaviestTipSet);
        Assert.Equal(HelloChain.OurHead.Height, greeting.HeaviestTipSetHeight);
        Assert.Equal(new BigInteger(30), greeting.HeaviestTipSetWeight);
        Assert.Equal(HelloChain.Genesis.Cid, greeting.GenesisHash);
        Assert.Equal(peer.LocalPeer.ToString(), latency.GetStructuredStateValue("Peer"));
        Assert.Equal(TimeSpan.FromTicks(10).ToString(), latency.GetStructuredStateValue("ClockOffset")); // our clock is 1 µs ahead
    }

    [Fact]
    public async Task Peer_whose_identify_lacks_hello_is_not_greeted_and_stays_connected()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        IStreamHost mute = await harness.Network.CreateHostAsync("mute");
        IStreamHost greeter = await harness.Network.CreateHostAsync("greeter");
        greeter.SetStreamHandler(HelloMessage.ProtocolId, (_, _) => Task.CompletedTask);
        await harness.StartAsync();

        // Events are handled in order, so once the second peer's greeting is attempted the first one's event is done.
        await harness.Network.ConnectAsync(harness.Us, mute);
        await harness.Network.ConnectAsync(harness.Us, greeter);
        FakeLogRecord attempt = await harness.WaitForLogAsync(3211);

        Assert.Contains(greeter.LocalPeer.ToString(), attempt.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Message.Contains(mute.LocalPeer.ToString(), StringComparison.Ordinal));
        Assert.Contains(mute.LocalPeer, harness.Us.ConnectedPeers);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Two_services_greet_each_other_and_each_reports_the_others_head()
    {
        await using HelloHarness a = await NewHarnessAsync();
        IStreamHost bHost = await a.Network.CreateHostAsync("b");
        IHelloChainSource bChain = Substitute.For<IHelloChainSource>();
        bChain.Genesis.Returns(HelloChain.Genesis.Cid);
        bChain.GetHeaviestAsync(Arg.Any<CancellationToken>()).Returns(new HelloChainHead(HelloChain.PeerHead.Key, HelloChain.PeerHead.Height, new BigInteger(50)));
        bChain.TryLoadFullTipSetAsync(HelloChain.OurHead.Key, Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult<FullTipSet?>(HelloChain.OurHead));
        a.HaveLocally(HelloChain.PeerHead);
        await using var b = new HelloService(bHost, Substitute.For<IChainExchange>(), bChain, a.Metrics, a.Time, new FakeLogger<HelloService>(a.Logs));
        await a.StartAsync();
        await b.StartAsync(Guard());
        await using IAsyncEnumerator<GreetedHead> bHeads = b.Heads(Guard()).GetAsyncEnumerator();

        await a.Network.ConnectAsync(a.Us, bHost);
        GreetedHead atA = await a.NextHeadAsync();
        Assert.True(await bHeads.MoveNextAsync());

        Assert.Equal(HelloChain.PeerHead.TipSet, atA.Head.TipSet);
        Assert.Equal(bHost.LocalPeer, atA.Peer);
        Assert.Equal(HelloChain.OurHead.TipSet, bHeads.Current.Head.TipSet);
        Assert.Equal(a.Us.LocalPeer, bHeads.Current.Peer);
        await b.StopAsync(Guard());
    }

    [Fact]
    public async Task StopAsync_cancels_running_fetches_waits_for_them_and_ends_the_heads()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Exchange.GetFullTipSetAsync(Arg.Any<IReadOnlyList<PeerId>>(), Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                var token = call.Arg<CancellationToken>();
                await using CancellationTokenRegistration registration = token.Register(() => cancelled.TrySetResult());
                called.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return HelloChain.PeerHead;
            });
        await harness.StartAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");
        await harness.GreetAsync(peer, HelloChain.GreetingFor(HelloChain.PeerHead));
        await called.Task.WaitAsync(Guard());

        List<GreetedHead> left = await harness.StopAndDrainAsync();

        Assert.Empty(left);
        Assert.True(cancelled.Task.IsCompleted);
        // The handler is gone: the in-memory network refuses the stream at once; a libp2p host that selects the
        // protocol optimistically (the peer listed it before) learns of the refusal on its first read.
        await Assert.ThrowsAnyAsync<IOException>(() => HelloHarness.GreetAsync(peer, harness.Us.LocalPeer, HelloChain.GreetingFor(HelloChain.PeerHead)));
        Assert.DoesNotContain("accepted", harness.Results());
        Assert.Contains(harness.Logs.GetSnapshot(), r => r.Id.Id == 3201);
    }

    [Fact]
    public async Task Service_starts_once_and_stopping_twice_is_harmless()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        await harness.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.StartAsync(Guard()));
        await harness.Service.StopAsync(Guard());
        await harness.Service.StopAsync(Guard());
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Service.StartAsync(Guard()));
    }

    [Fact]
    public async Task Stopping_a_service_that_never_started_ends_its_heads()
    {
        await using HelloHarness harness = await NewHarnessAsync();

        Assert.Empty(await harness.StopAndDrainAsync());
    }

    [Fact]
    public void Options_out_of_range_are_refused_at_construction()
    {
        using var meters = new TestMeterFactory();
        Assert.Throws<ArgumentOutOfRangeException>(() => new HelloService(
            Substitute.For<IStreamHost>(),
            Substitute.For<IChainExchange>(),
            Substitute.For<IHelloChainSource>(),
            new ExchangeMetrics(meters),
            TimeProvider.System,
            new FakeLogger<HelloService>(),
            new HelloServiceOptions { MaxConcurrentFetches = 0 }));
    }

    [Fact]
    public async Task Every_hello_log_event_id_lies_in_the_hello_range()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        harness.HaveLocally(HelloChain.PeerHead);
        await harness.StartAsync();
        await harness.GreetAsync(await harness.Network.CreateHostAsync("peer"), HelloChain.GreetingFor(HelloChain.PeerHead));
        await harness.NextHeadAsync();
        await harness.StopAndDrainAsync();

        Assert.All(harness.Logs.GetSnapshot(), r => Assert.InRange(r.Id.Id, 3200, 3299));
    }

    [Fact]
    public async Task Stream_reset_while_our_greeting_waits_for_the_answer_ends_that_greeting_quietly()
    {
        await using HelloHarness harness = await NewHarnessAsync();
        IStreamHost peer = await harness.Network.CreateHostAsync("peer");
        var reset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.SetStreamHandler(HelloMessage.ProtocolId, async (stream, ct) =>
        {
            await HelloHarness.ReadAllAsync(stream);
            stream.Abort();
            reset.TrySetResult();
        });
        await harness.StartAsync();

        await harness.Network.ConnectAsync(harness.Us, peer);
        await reset.Task.WaitAsync(Guard());
        await harness.WaitForLogAsync(3211);

        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
        Assert.Contains(peer.LocalPeer, harness.Us.ConnectedPeers);
    }
}
