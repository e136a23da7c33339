using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Storage;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Server;

/// <summary>Guards and waits for tests: every wait ends, by success or by the guard.</summary>
internal static class Wait
{
    /// <summary>A token that cancels after 30 s of real time: only ever hit when a test is broken.</summary>
    public static CancellationToken Guard() => TestGuard.Token();

    /// <summary>Yields until <paramref name="condition"/> holds (no sleeping, no real-time delay), or the guard fires.</summary>
    public static async Task UntilAsync(Func<bool> condition, CancellationToken guard)
    {
        while (!condition())
        {
            guard.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}

/// <summary>A server and a client host on a <see cref="StreamNetworkKit"/>, with a fake clock for the server, a
/// fake logger and collected metrics.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly MetricCollector<long> _requests;

    private ServerHarness(FakeTimeProvider time, StreamNetworkKit network, IStreamHost server, IStreamHost client, IBlockstore store, ExchangeServerOptions? options)
    {
        Time = time;
        Network = network;
        ServerHost = server;
        ClientHost = client;
        _requests = new MetricCollector<long>(_meters, ChainSyncDiagnostics.Name, "venus.chainsync.exchange.requests");
        Server = new ChainExchangeServer(ServerHost, store, options, Time, Logger, new ExchangeMetrics(_meters));
        Server.Start();
    }

    /// <summary>A started server over <paramref name="store"/> on hosts from <paramref name="network"/>, which is
    /// given the server's fake clock.</summary>
    public static async Task<ServerHarness> CreateAsync(Func<TimeProvider, StreamNetworkKit> network, IBlockstore store, ExchangeServerOptions? options = null)
    {
        var time = new FakeTimeProvider();
        StreamNetworkKit kit = network(time);
        IStreamHost server = await kit.CreateHostAsync("server");
        IStreamHost client = await kit.CreateHostAsync("client");
        return new ServerHarness(time, kit, server, client, store, options);
    }

    public FakeTimeProvider Time { get; }

    public FakeLogger<ChainExchangeServer> Logger { get; } = new();

    public StreamNetworkKit Network { get; }

    public IStreamHost ServerHost { get; }

    public IStreamHost ClientHost { get; }

    public ChainExchangeServer Server { get; }

    /// <summary>Requests counted by the server with this status or outcome tag.</summary>
    public long Count(string status) =>
        _requests.GetMeasurementSnapshot()
            .Where(m => m.Tags.TryGetValue("status", out object? tag) && (string?)tag == status)
            .Sum(m => m.Value);

    /// <summary>Log records of one event id.</summary>
    public IReadOnlyList<FakeLogRecord> Logged(int eventId) => [.. Logger.Collector.GetSnapshot().Where(r => r.Id.Id == eventId)];

    public Task<ExchangeResponse> RequestAsync(ExchangeRequest request, CancellationToken guard) =>
        RawClient.RequestAsync(ClientHost, ServerHost.LocalPeer, request, Time, guard);

    public ValueTask<INetworkStream> OpenAsync(CancellationToken guard) => OpenAsync(ClientHost, guard);

    public ValueTask<INetworkStream> OpenAsync(IStreamHost from, CancellationToken guard) =>
        from.OpenStreamAsync(ServerHost.LocalPeer, ExchangeProtocol.Id, guard);

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync(Wait.Guard());
        await Network.DisposeAsync();
        _requests.Dispose();
        _meters.Dispose();
    }
}

/// <summary>A client written against the wire: encode, write, half-close, read, decode.</summary>
internal static class RawClient
{
    /// <summary>Response limits that a fake clock never hits: the tests' guards bound the waits instead.</summary>
    public static ReadLimits Limits { get; } = new(256L << 20, TimeSpan.FromDays(1), 0, TimeSpan.FromDays(1));

    public static async Task<ExchangeResponse> RequestAsync(IStreamHost client, PeerId server, ExchangeRequest request, TimeProvider time, CancellationToken guard)
    {
        await using INetworkStream stream = await client.OpenStreamAsync(server, ExchangeProtocol.Id, guard);
        await stream.Output.WriteAsync(request.Encode(), guard);
        await stream.CompleteWritingAsync(guard);
        return await ReadResponseAsync(stream, time, guard);
    }

    public static async Task<ExchangeResponse> ReadResponseAsync(INetworkStream stream, TimeProvider time, CancellationToken guard)
    {
        byte[] bytes = await ReadAllAsync(stream, time, guard);
        return ExchangeResponse.Decode(bytes, ExchangeProtocol.MaxRequestLength);
    }

    /// <summary>Everything the server writes until it closes; throws <see cref="BoundedReadException"/> when it resets.</summary>
    public static async Task<byte[]> ReadAllAsync(INetworkStream stream, TimeProvider time, CancellationToken guard) =>
        await BoundedReader.ReadMessageAsync(stream.Input, Limits, time, null, guard);
}

/// <summary>A store that hides some CIDs of another (to make data go missing) or fails on them.</summary>
internal sealed class FaultyBlockstore(IBlockstore inner) : IBlockstore
{
    public HashSet<Cid> Hidden { get; } = [];

    public HashSet<Cid> Failing { get; } = [];

    public Dictionary<Cid, byte[]> Replaced { get; } = [];

    public ValueTask<ReadOnlyMemory<byte>?> GetAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        if (Failing.Contains(cid))
        {
            throw new IOException("disk on fire");
        }

        if (Replaced.TryGetValue(cid, out byte[]? bytes))
        {
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(bytes);
        }

        return Hidden.Contains(cid) ? ValueTask.FromResult<ReadOnlyMemory<byte>?>(null) : inner.GetAsync(cid, cancellationToken);
    }

    public async ValueTask<bool> HasAsync(Cid cid, CancellationToken cancellationToken = default) =>
        await GetAsync(cid, cancellationToken) is not null;

    public ValueTask PutAsync(Cid cid, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        inner.PutAsync(cid, data, cancellationToken);

    public ValueTask PutManyAsync(IEnumerable<Block> blocks, CancellationToken cancellationToken = default) =>
        inner.PutManyAsync(blocks, cancellationToken);
}

/// <summary>
/// A built chain and what a correct answer over it looks like. <see cref="Shared"/> is 905 tipsets above genesis
/// with tipsets of 1–3 blocks, BLS and secp messages, messages shared by the blocks of a tipset and null rounds;
/// tests only read it.
/// </summary>
internal sealed class TestChain
{
    private static readonly Lazy<TestChain> SharedChain = new(() => Build(seed: 7, count: 905, ShapeOf));

    private readonly Dictionary<TipSetKey, int> _index = [];

    private TestChain(MemoryBlockstore store, ChainBuilder builder, IReadOnlyList<TipSet> tipSets)
    {
        Store = store;
        Builder = builder;
        TipSets = tipSets;
        for (int i = 0; i < tipSets.Count; i++)
        {
            _index.Add(tipSets[i].Key, i);
        }
    }

    public static TestChain Shared => SharedChain.Value;

    public MemoryBlockstore Store { get; }

    public ChainBuilder Builder { get; }

    /// <summary>Genesis first.</summary>
    public IReadOnlyList<TipSet> TipSets { get; }

    public TipSet Head => TipSets[^1];

    public static TipSetSpec ShapeOf(int i) => new(
        Blocks: 1 + (i % 3),
        BlsMessages: i % 4,
        SecpMessages: (i + 1) % 3,
        SharedMessages: i % 3 == 0 ? 0 : 2,
        NullRoundsBefore: i % 10 == 9 ? 2 : 0);

    public static TestChain Build(int seed, int count, Func<int, TipSetSpec> shape, ChainBuilderOptions? options = null)
    {
        var store = new MemoryBlockstore();
        var builder = new ChainBuilder(store, seed, options);
        TipSet genesis = builder.Genesis();
        return new TestChain(store, builder, [genesis, .. builder.AddChain(genesis, count, shape)]);
    }

    /// <summary>The tipsets a walk back from <paramref name="head"/> meets, head first, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<TipSet> Back(TipSet head, int count)
    {
        int at = _index[head.Key];
        return [.. Enumerable.Range(0, Math.Min(count, at + 1)).Select(i => TipSets[at - i])];
    }

    /// <summary>Checks a response against the chain: headers byte for byte, messages per block rebuilt from the includes.</summary>
    public void AssertAnswers(ExchangeResponse response, IReadOnlyList<TipSet> expected, ExchangeOptions options)
    {
        Assert.Equal(expected.Count, response.Chain.Length);
        for (int i = 0; i < expected.Count; i++)
        {
            TipSet tipSet = expected[i];
            TipSetBundle bundle = response.Chain[i];
            if ((options & ExchangeOptions.Headers) != 0)
            {
                Assert.Equal(tipSet.Blocks.Select(b => b.Cid), bundle.Blocks.Select(b => b.Cid));
                Assert.All(bundle.Blocks.Zip(tipSet.Blocks), pair => Assert.True(pair.First.RawData.Span.SequenceEqual(pair.Second.RawData.Span)));
            }
            else
            {
                Assert.Empty(bundle.Blocks);
            }

            if ((options & ExchangeOptions.Messages) == 0)
            {
                Assert.Null(bundle.Messages);
                continue;
            }

            CompactedMessages messages = Assert.IsType<CompactedMessages>(bundle.Messages);
            FullTipSet full = Builder.GetFullTipSet(tipSet);
            Assert.Equal(full.Blocks.Length, messages.BlsIncludes.Length);
            Assert.Equal(full.Blocks.Length, messages.SecpkIncludes.Length);

            // Each message once, in order of first inclusion.
            Assert.Equal(full.Blocks.SelectMany(b => b.BlsMessages).Select(m => m.Cid).Distinct(), messages.Bls.Select(m => m.Cid));
            Assert.Equal(full.Blocks.SelectMany(b => b.SecpkMessages).Select(m => m.Cid).Distinct(), messages.Secpk.Select(m => m.Cid));
            for (int b = 0; b < full.Blocks.Length; b++)
            {
                Cid[] bls = [.. messages.BlsIncludes[b].Select(ix => messages.Bls[(int)ix].Cid)];
                Cid[] secpk = [.. messages.SecpkIncludes[b].Select(ix => messages.Secpk[(int)ix].Cid)];
                Assert.Equal(full.Blocks[b].BlsMessages.Select(m => m.Cid), bls);
                Assert.Equal(full.Blocks[b].SecpkMessages.Select(m => m.Cid), secpk);
                Assert.True(MessageRoot.Matches(tipSet.Blocks[b], bls, secpk));
            }
        }
    }
}
