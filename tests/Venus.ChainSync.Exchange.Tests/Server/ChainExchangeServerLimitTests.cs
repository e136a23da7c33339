using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Server;

/// <summary>The suite on the in-memory network.</summary>
public sealed class ChainExchangeServerLimitTests : ChainExchangeServerLimitSuite
{
    internal override StreamNetworkKit CreateNetwork(TimeProvider time) => new InMemoryStreamNetworkKit(time);
}

/// <summary>The suite again, client and server each a libp2p host on loopback.</summary>
public sealed class ChainExchangeServerLimitOverLibp2pTests : ChainExchangeServerLimitSuite
{
    internal override StreamNetworkKit CreateNetwork(TimeProvider time) => new Libp2pStreamNetworkKit();
}

/// <summary>Deadlines, load shedding, the response cap and the server's lifetime, driven by a fake clock. Runs on every <see cref="StreamNetworkKit"/>; the server's clock is always fake.</summary>
public abstract class ChainExchangeServerLimitSuite
{
    internal abstract StreamNetworkKit CreateNetwork(TimeProvider time);

    private Task<ServerHarness> NewHarnessAsync(IBlockstore store, ExchangeServerOptions? options = null) => ServerHarness.CreateAsync(CreateNetwork, store, options);

    /// <summary>Asks <paramref name="server"/> for a tipset and expects the stream refused: at once on the in-memory
    /// network; on a libp2p host, which selected the protocol optimistically because the server listed it, at the
    /// first read.</summary>
    private static async Task AssertRefusedAsync(IStreamHost client, IStreamHost server, TimeProvider time, CancellationToken guard) =>
        await Assert.ThrowsAnyAsync<IOException>(() => RawClient.RequestAsync(client, server.LocalPeer, new ExchangeRequest(TestChain.Shared.Head.Key, 1, Both), time, guard));

    private const ExchangeOptions Both = ExchangeOptions.Headers | ExchangeOptions.Messages;

    [Fact]
    public async Task Request_that_never_completes_is_reset_at_the_read_deadline()
    {
        await using ServerHarness harness = await NewHarnessAsync(TestChain.Shared.Store);
        CancellationToken guard = Wait.Guard();
        byte[] request = new ExchangeRequest(TestChain.Shared.Head.Key, 1, Both).Encode();

        await using INetworkStream stream = await harness.OpenAsync(guard);
        await stream.Output.WriteAsync(request.AsMemory(0, 3), guard);
        await stream.Output.FlushAsync(guard);
        await Wait.UntilAsync(() => harness.Server.AdmittedRequests == 1, guard);
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<BoundedReadException>(() => RawClient.ReadAllAsync(stream, harness.Time, guard));
        await Wait.UntilAsync(() => harness.Server.RunningHandlers == 0, guard);
        Assert.Equal(1, harness.Count("timeout"));
        Assert.Equal(LogLevel.Debug, Assert.Single(harness.Logged(3105)).Level);
    }

    [Fact]
    public async Task Request_written_a_byte_at_a_time_within_the_deadline_is_served()
    {
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);
        CancellationToken guard = Wait.Guard();
        byte[] request = new ExchangeRequest(chain.Head.Key, 2, Both).Encode();

        await using INetworkStream stream = await harness.OpenAsync(guard);
        await Wait.UntilAsync(() => harness.Server.AdmittedRequests == 1, guard);
        foreach (byte b in request)
        {
            await stream.Output.WriteAsync(new[] { b }, guard);
            await stream.Output.FlushAsync(guard);
            harness.Time.Advance(TimeSpan.FromMilliseconds(9_000 / request.Length));
        }

        ExchangeResponse response = await RawClient.ReadResponseAsync(stream, harness.Time, guard);

        Assert.Equal(ExchangeStatus.Ok, response.Status);
        chain.AssertAnswers(response, chain.Back(chain.Head, 2), Both);
    }

    [Fact]
    public async Task Request_written_a_byte_at_a_time_past_the_deadline_is_reset()
    {
        await using ServerHarness harness = await NewHarnessAsync(TestChain.Shared.Store);
        CancellationToken guard = Wait.Guard();
        byte[] request = new ExchangeRequest(TestChain.Shared.Head.Key, 2, Both).Encode();

        await using INetworkStream stream = await harness.OpenAsync(guard);
        await Wait.UntilAsync(() => harness.Server.AdmittedRequests == 1, guard);
        foreach (byte b in request)
        {
            try
            {
                await stream.Output.WriteAsync(new[] { b }, guard);
                FlushResult flushed = await stream.Output.FlushAsync(guard);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                break; // the server reset the stream
            }

            harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Assert.ThrowsAsync<BoundedReadException>(() => RawClient.ReadAllAsync(stream, harness.Time, guard));
        await Wait.UntilAsync(() => harness.Server.RunningHandlers == 0, guard);
        Assert.Equal(1, harness.Count("timeout"));
    }

    [Fact]
    public async Task Concurrent_requests_from_one_peer_are_shed_with_GoAway_beyond_the_per_peer_cap()
    {
        // A thousand on the in-memory network; a libp2p host lets one peer open only 64 streams per protocol to it
        // (go-libp2p's ProtocolPeerBaseLimit), still twice the server's cap.
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);
        int count = Math.Min(1000, harness.Network.MaxInboundStreamsPerProtocol);
        CancellationToken guard = Wait.Guard();
        int cap = new ExchangeServerOptions().MaxConcurrentRequestsPerPeer;

        // Every stream opens before any request is sent, so exactly `cap` of them hold a slot while waiting for
        // their request, and every other one is answered GoAway at once.
        var streams = new INetworkStream[count];
        for (int i = 0; i < count; i++)
        {
            streams[i] = await harness.OpenAsync(guard);
        }

        Task<ExchangeResponse>[] responses = [.. streams.Select(s => RawClient.ReadResponseAsync(s, harness.Time, guard))];
        await Wait.UntilAsync(() => responses.Count(r => r.IsCompleted) == count - cap, guard);
        Assert.Equal(cap, harness.Server.AdmittedRequests);

        byte[] request = new ExchangeRequest(chain.Head.Key, 5, Both).Encode();
        foreach (INetworkStream stream in streams)
        {
            await stream.Output.WriteAsync(request, guard);
            await stream.CompleteWritingAsync(guard);
        }

        ExchangeResponse[] answered = await Task.WhenAll(responses);

        Assert.Equal(count - cap, answered.Count(r => r.Status == ExchangeStatus.GoAway));
        Assert.Equal(cap, answered.Count(r => r.Status == ExchangeStatus.Ok));
        Assert.All(answered.Where(r => r.Status == ExchangeStatus.Ok), r => chain.AssertAnswers(r, chain.Back(chain.Head, 5), Both));
        Assert.Equal(count - cap, harness.Count("go_away"));
        Assert.Equal(cap, harness.Count("ok"));

        // Still healthy: slots were given back, and the next request is served.
        await Wait.UntilAsync(() => harness.Server.RunningHandlers == 0, guard);
        Assert.Equal(0, harness.Server.AdmittedRequests);
        Assert.Equal(ExchangeStatus.Ok, (await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 1, Both), guard)).Status);
        foreach (INetworkStream stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sixteen_concurrent_message_requests_from_one_peer_as_a_Lotus_syncer_sends_are_all_served()
    {
        // Lotus's fetchMessages: 16 requests of 8 tipsets at once, each failing the batch after 5 failed tries.
        const int LotusConcurrency = 16;
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);
        CancellationToken guard = Wait.Guard();

        // All 16 hold a slot at the same time before any request is written.
        var streams = new INetworkStream[LotusConcurrency];
        for (int i = 0; i < LotusConcurrency; i++)
        {
            streams[i] = await harness.OpenAsync(guard);
        }

        await Wait.UntilAsync(() => harness.Server.AdmittedRequests == LotusConcurrency, guard);
        TipSet[] heads = [.. Enumerable.Range(0, LotusConcurrency).Select(i => chain.TipSets[chain.TipSets.Count - 1 - (i * 8)])];
        Task<ExchangeResponse>[] responses = [.. streams.Select(s => RawClient.ReadResponseAsync(s, harness.Time, guard))];
        for (int i = 0; i < LotusConcurrency; i++)
        {
            await streams[i].Output.WriteAsync(new ExchangeRequest(heads[i].Key, 8, ExchangeOptions.Messages).Encode(), guard);
            await streams[i].CompleteWritingAsync(guard);
        }

        ExchangeResponse[] answered = await Task.WhenAll(responses);

        for (int i = 0; i < LotusConcurrency; i++)
        {
            Assert.Equal(ExchangeStatus.Ok, answered[i].Status);
            chain.AssertAnswers(answered[i], chain.Back(heads[i], 8), ExchangeOptions.Messages);
        }

        Assert.Equal(LotusConcurrency, harness.Count("ok"));
        Assert.Equal(0, harness.Count("go_away"));
        foreach (INetworkStream stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_from_many_peers_beyond_the_default_total_cap_are_shed_with_GoAway()
    {
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);
        CancellationToken guard = Wait.Guard();
        var defaults = new ExchangeServerOptions();
        int peers = (defaults.MaxConcurrentRequests / defaults.MaxConcurrentRequestsPerPeer) + 1;

        // Every peer opens its full per-peer share, so one share more than the total is offered.
        var streams = new List<INetworkStream>();
        for (int p = 0; p < peers; p++)
        {
            IStreamHost host = await harness.Network.CreateHostAsync($"peer-{p}");
            for (int i = 0; i < defaults.MaxConcurrentRequestsPerPeer; i++)
            {
                streams.Add(await harness.OpenAsync(host, guard));
            }
        }

        Task<ExchangeResponse>[] responses = [.. streams.Select(s => RawClient.ReadResponseAsync(s, harness.Time, guard))];
        int shed = streams.Count - defaults.MaxConcurrentRequests;
        await Wait.UntilAsync(() => responses.Count(r => r.IsCompleted) == shed, guard);
        Assert.Equal(defaults.MaxConcurrentRequests, harness.Server.AdmittedRequests);
        Assert.All(responses.Where(r => r.IsCompleted), r => Assert.Equal(ExchangeStatus.GoAway, r.Result.Status));

        byte[] request = new ExchangeRequest(chain.Head.Key, 1, Both).Encode();
        foreach (INetworkStream stream in streams)
        {
            await stream.Output.WriteAsync(request, guard);
            await stream.CompleteWritingAsync(guard);
        }

        ExchangeResponse[] answered = await Task.WhenAll(responses);
        Assert.Equal(defaults.MaxConcurrentRequests, answered.Count(r => r.Status == ExchangeStatus.Ok));
        Assert.Equal(shed, harness.Count("go_away"));
        foreach (INetworkStream stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_peer_over_its_bytes_in_flight_cap_gets_its_head_tipset_only_while_other_peers_are_served_whole()
    {
        BigChain big = await BigChain.BuildAsync();
        await using ServerHarness harness = await NewHarnessAsync(big.Chain.Store, new ExchangeServerOptions { MaxBytesInFlightPerPeer = big.ResponseBytes });
        CancellationToken guard = Wait.Guard();

        // The first response fills the peer's budget and stalls: its client does not read, and it is larger than
        // the transport buffers.
        await using INetworkStream stalled = await harness.OpenAsync(guard);
        await stalled.Output.WriteAsync(big.Request.Encode(), guard);
        await stalled.CompleteWritingAsync(guard);
        await Wait.UntilAsync(() => harness.Server.BytesInFlight == big.ResponseBytes, guard);

        ExchangeResponse sameAgain = await harness.RequestAsync(big.Request, guard);
        IStreamHost other = await harness.Network.CreateHostAsync("other");
        ExchangeResponse otherPeer = await RawClient.RequestAsync(other, harness.ServerHost.LocalPeer, big.Request, harness.Time, guard);
        ExchangeResponse first = await RawClient.ReadResponseAsync(stalled, harness.Time, guard);

        Assert.Equal(ExchangeStatus.Partial, sameAgain.Status);
        big.Chain.AssertAnswers(sameAgain, big.Chain.Back(big.Chain.Head, 1), Both);
        Assert.Single(harness.Logged(3114));
        Assert.Equal(ExchangeStatus.Ok, otherPeer.Status);
        Assert.Equal(ExchangeStatus.Ok, first.Status);
        big.Chain.AssertAnswers(first, big.Chain.Back(big.Chain.Head, BigChain.Length), Both);
        await Wait.UntilAsync(() => harness.Server.RunningHandlers == 0, guard);
        Assert.Equal(0, harness.Server.BytesInFlight);
    }

    [Fact]
    public async Task Total_bytes_in_flight_cap_turns_away_a_request_whose_head_does_not_fit_until_bytes_are_given_back()
    {
        BigChain big = await BigChain.BuildAsync();
        await using ServerHarness harness = await NewHarnessAsync(big.Chain.Store, new ExchangeServerOptions { MaxBytesInFlight = big.ResponseBytes });
        CancellationToken guard = Wait.Guard();

        await using INetworkStream stalled = await harness.OpenAsync(guard);
        await stalled.Output.WriteAsync(big.Request.Encode(), guard);
        await stalled.CompleteWritingAsync(guard);
        await Wait.UntilAsync(() => harness.Server.BytesInFlight == big.ResponseBytes, guard);

        IStreamHost other = await harness.Network.CreateHostAsync("other");
        ExchangeResponse turnedAway = await RawClient.RequestAsync(other, harness.ServerHost.LocalPeer, big.Request, harness.Time, guard);
        Assert.Equal(ExchangeStatus.GoAway, turnedAway.Status);

        Assert.Equal(ExchangeStatus.Ok, (await RawClient.ReadResponseAsync(stalled, harness.Time, guard)).Status);
        await Wait.UntilAsync(() => harness.Server.BytesInFlight == 0, guard);
        ExchangeResponse later = await RawClient.RequestAsync(other, harness.ServerHost.LocalPeer, big.Request, harness.Time, guard);
        Assert.Equal(ExchangeStatus.Ok, later.Status);
        Assert.Equal(1, harness.Count("go_away"));
    }

    [Fact]
    public async Task Requests_beyond_the_total_cap_are_shed_whatever_the_peer()
    {
        TestChain chain = TestChain.Shared;
        await using ServerHarness harness = await NewHarnessAsync(chain.Store, new ExchangeServerOptions { MaxConcurrentRequests = 2, MaxConcurrentRequestsPerPeer = 2 });
        CancellationToken guard = Wait.Guard();
        IStreamHost second = await harness.Network.CreateHostAsync("second");
        IStreamHost third = await harness.Network.CreateHostAsync("third");

        await using INetworkStream first = await harness.OpenAsync(guard);
        await using INetworkStream other = await harness.OpenAsync(second, guard);
        await Wait.UntilAsync(() => harness.Server.AdmittedRequests == 2, guard);
        ExchangeResponse shed = await RawClient.RequestAsync(third, harness.ServerHost.LocalPeer, new ExchangeRequest(chain.Head.Key, 1, Both), harness.Time, guard);

        Assert.Equal(ExchangeStatus.GoAway, shed.Status);
        foreach (INetworkStream stream in new[] { first, other })
        {
            await stream.Output.WriteAsync(new ExchangeRequest(chain.Head.Key, 1, Both).Encode(), guard);
            await stream.CompleteWritingAsync(guard);
            Assert.Equal(ExchangeStatus.Ok, (await RawClient.ReadResponseAsync(stream, harness.Time, guard)).Status);
        }
    }

    [Fact]
    public async Task Client_that_never_reads_is_reset_at_the_write_deadline_and_stop_completes()
    {
        // About 2.5 MiB of response: more than the transport buffers, so the writer must wait for the reader.
        TestChain chain = TestChain.Build(seed: 5, count: 20, _ => new TipSetSpec(BlsMessages: 30), new ChainBuilderOptions { MessageParamsBytes = 4096 });
        await using ServerHarness harness = await NewHarnessAsync(chain.Store);
        CancellationToken guard = Wait.Guard();

        INetworkStream stream = await harness.OpenAsync(guard);
        await stream.Output.WriteAsync(new ExchangeRequest(chain.Head.Key, 20, Both).Encode(), guard);
        await stream.CompleteWritingAsync(guard);

        // Look at the first bytes without consuming them: the write has begun, so its deadline is running.
        ReadResult peek = await stream.Input.ReadAsync(guard);
        Assert.True(peek.Buffer.Length < 2L << 20, "the response is streamed, not written whole");
        stream.Input.AdvanceTo(peek.Buffer.Start, peek.Buffer.End);
        harness.Time.Advance(TimeSpan.FromSeconds(60));

        await Wait.UntilAsync(() => harness.Server.RunningHandlers == 0, guard);
        Assert.Equal(1, harness.Count("timeout"));
        Assert.Single(harness.Logged(3107));
        await harness.Server.StopAsync(guard);
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task Response_over_the_byte_cap_is_Partial_with_the_tipsets_that_fit()
    {
        TestChain chain = TestChain.Shared;
        ExchangeResponse full;
        await using (ServerHarness unlimited = await NewHarnessAsync(chain.Store))
        {
            full = await unlimited.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, Both), Wait.Guard());
        }

        long threeFit = 16 + full.Chain.Take(3).Sum(ResponseEncoding.MeasureBundle);
        await using ServerHarness harness = await NewHarnessAsync(chain.Store, new ExchangeServerOptions { MaxResponseBytes = threeFit });

        ExchangeResponse capped = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 10, Both), Wait.Guard());

        Assert.Equal(ExchangeStatus.Partial, capped.Status);
        chain.AssertAnswers(capped, chain.Back(chain.Head, 3), Both);
        Assert.Single(harness.Logged(3111));
    }

    [Fact]
    public async Task Head_tipset_larger_than_the_byte_cap_is_an_InternalError()
    {
        TestChain chain = TestChain.Build(seed: 9, count: 1, _ => new TipSetSpec(Blocks: 3, BlsMessages: 20));
        await using ServerHarness harness = await NewHarnessAsync(chain.Store, new ExchangeServerOptions { MaxResponseBytes = 1024 });

        ExchangeResponse response = await harness.RequestAsync(new ExchangeRequest(chain.Head.Key, 1, Both), Wait.Guard());

        Assert.Equal(ExchangeStatus.InternalError, response.Status);
        Assert.Equal(LogLevel.Warning, Assert.Single(harness.Logged(3112)).Level);
    }

    [Fact]
    public async Task Stop_cancels_requests_in_flight_removes_the_handler_and_refuses_new_streams()
    {
        await using ServerHarness harness = await NewHarnessAsync(TestChain.Shared.Store);
        CancellationToken guard = Wait.Guard();

        await using INetworkStream waiting = await harness.OpenAsync(guard);
        await Wait.UntilAsync(() => harness.Server.AdmittedRequests == 1, guard);
        await harness.Server.StopAsync(guard);

        Assert.Equal(0, harness.Server.RunningHandlers);
        Assert.Equal(0, harness.Server.AdmittedRequests);
        await Assert.ThrowsAsync<BoundedReadException>(() => RawClient.ReadAllAsync(waiting, harness.Time, guard));
        await AssertRefusedAsync(harness.ClientHost, harness.ServerHost, harness.Time, guard);
        Assert.Equal(1, harness.Count("cancelled"));
        Assert.Single(harness.Logged(3101));
    }

    [Fact]
    public async Task Server_starts_once_and_serves_nothing_before_it_starts()
    {
        await using StreamNetworkKit network = CreateNetwork(TimeProvider.System);
        IStreamHost host = await network.CreateHostAsync("server");
        IStreamHost client = await network.CreateHostAsync("client");
        await using var server = new ChainExchangeServer(host, new MemoryBlockstore());

        await AssertRefusedAsync(client, host, TimeProvider.System, Wait.Guard());
        server.Start();
        Assert.Throws<InvalidOperationException>(server.Start);
    }

    [Theory]
    [InlineData(nameof(ExchangeServerOptions.MaxConcurrentRequests))]
    [InlineData(nameof(ExchangeServerOptions.MaxBytesInFlightPerPeer))]
    [InlineData(nameof(ExchangeServerOptions.MaxBytesInFlight))]
    public async Task Invalid_options_fail_at_start(string option)
    {
        var options = new ExchangeServerOptions();
        typeof(ExchangeServerOptions).GetProperty(option)!.SetValue(options, option == nameof(ExchangeServerOptions.MaxConcurrentRequests) ? 0 : (object)0L);
        await using StreamNetworkKit network = CreateNetwork(TimeProvider.System);
        await using var server = new ChainExchangeServer(await network.CreateHostAsync("server"), new MemoryBlockstore(), options);

        Assert.Throws<ArgumentOutOfRangeException>(server.Start);
    }
}

/// <summary>A chain whose whole answer (about 2.5 MiB) is more than the in-memory transport buffers, and its size.</summary>
internal sealed record BigChain(TestChain Chain, ExchangeRequest Request, long ResponseBytes)
{
    public const int Length = 20;

    public static async Task<BigChain> BuildAsync()
    {
        TestChain chain = TestChain.Build(seed: 5, count: Length, _ => new TipSetSpec(BlsMessages: 30), new ChainBuilderOptions { MessageParamsBytes = 4096 });
        var request = new ExchangeRequest(chain.Head.Key, Length, ExchangeOptions.Headers | ExchangeOptions.Messages);
        await using ServerHarness unlimited = await ServerHarness.CreateAsync(time => new InMemoryStreamNetworkKit(time), chain.Store); // measures the answer only
        ExchangeResponse full = await unlimited.RequestAsync(request, Wait.Guard());
        return new BigChain(chain, request, full.Chain.Sum(ResponseEncoding.MeasureBundle));
    }
}
