// NSubstitute configures and checks a call by making it; the ValueTasks those calls return are never awaited.
#pragma warning disable CA2012

using System.Numerics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Hello;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Testing;
using Venus.ChainSync.TestSupport;

namespace Venus.ChainSync.Exchange.Tests.Hello;

/// <summary>Small chains for the hello tests: two genesis blocks (ours and a foreign one) and heads on ours.</summary>
internal static class HelloChain
{
    private static readonly Cid Nothing = Cid.ComputeDagCbor([0x80]);

    // Blocks without messages commit to the empty message meta, as every FullTipSet checks.
    private static readonly Cid NoMessages = MessageRoot.Compute([], []).Cid;

    public static BlockHeader Genesis { get; } = Header(0, TipSetKey.Empty, miner: 0);

    public static BlockHeader ForeignGenesis { get; } = Header(0, TipSetKey.Empty, miner: 7);

    /// <summary>Our head, height 3.</summary>
    public static FullTipSet OurHead { get; } = Full(Header(3, TipSetKey.Create(Genesis.Cid)));

    /// <summary>A peer's head, height 5.</summary>
    public static FullTipSet PeerHead { get; } = Full(Header(5, TipSetKey.Create(Genesis.Cid), miner: 1001));

    /// <summary>Another head of the peer, height 6.</summary>
    public static FullTipSet LaterPeerHead { get; } = Full(Header(6, PeerHead.Key, miner: 1002));

    public static FullTipSet GenesisTipSet { get; } = Full(Genesis);

    public static BlockHeader Header(long height, TipSetKey parents, long miner = 1000) =>
        BlockHeader.Create(
            Address.NewId(miner), parents, height, Nothing, Nothing, NoMessages, parentWeight: new BigInteger(height * 10),
            ticket: new Ticket(BitConverter.GetBytes((miner << 16) + height)), timestamp: (ulong)height * 30);

    public static FullTipSet Full(BlockHeader header) => FullTipSet.Create([new FullBlock(header, [], [])]);

    /// <summary>A greeting announcing <paramref name="head"/> on <paramref name="genesis"/> (ours by default).</summary>
    public static HelloMessage GreetingFor(FullTipSet head, Cid? genesis = null) =>
        new(head.Key, head.Height, new BigInteger(head.Height * 10), genesis ?? Genesis.Cid);
}

/// <summary>
/// One <see cref="HelloService"/> on host "us" of a <see cref="StreamNetworkKit"/>, with a fake clock for the
/// service, substitutes for the exchange client and the chain source, a metric collector for greetings and a fake log.
/// </summary>
internal sealed class HelloHarness : IAsyncDisposable
{
    public const string GreetingsInstrument = "venus.chainsync.hello.greetings";

    public static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ReadLimits PeerLimits = new(64 * 1024, TimeSpan.FromSeconds(30), 0, TimeSpan.FromSeconds(30));

    private readonly TestMeterFactory _meters = new();
    private IAsyncEnumerator<GreetedHead>? _heads;

    private HelloHarness(SignallingTimeProvider time, StreamNetworkKit network, IStreamHost us, HelloServiceOptions? options)
    {
        Time = time;
        Network = network;
        Us = us;
        Chain.Genesis.Returns(HelloChain.Genesis.Cid);
        Chain.GetHeaviestAsync(Arg.Any<CancellationToken>())
            .Returns(new HelloChainHead(HelloChain.OurHead.Key, HelloChain.OurHead.Height, new BigInteger(30)));
        Chain.TryLoadFullTipSetAsync(Arg.Any<TipSetKey>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult<FullTipSet?>(null));
        Metrics = new ExchangeMetrics(_meters);
        Greetings = new MetricCollector<long>(_meters, ChainSyncDiagnostics.Name, GreetingsInstrument);
        Service = new HelloService(Us, Exchange, Chain, Metrics, Time, new FakeLogger<HelloService>(Logs), options);
    }

    /// <summary>A harness whose hosts come from <paramref name="network"/>, given the service's fake clock.</summary>
    public static async Task<HelloHarness> CreateAsync(Func<TimeProvider, StreamNetworkKit> network, HelloServiceOptions? options = null)
    {
        var time = new SignallingTimeProvider(Start);
        StreamNetworkKit kit = network(time);
        IStreamHost us = await kit.CreateHostAsync("us");
        return new HelloHarness(time, kit, us, options);
    }

    /// <summary>Unix nanoseconds of <see cref="Start"/>.</summary>
    public static long StartNanoseconds => (Start - DateTimeOffset.UnixEpoch).Ticks * TimeSpan.NanosecondsPerTick;

    public SignallingTimeProvider Time { get; }

    public StreamNetworkKit Network { get; }

    public IStreamHost Us { get; }

    public IChainExchange Exchange { get; } = Substitute.For<IChainExchange>();

    public IHelloChainSource Chain { get; } = Substitute.For<IHelloChainSource>();

    public ExchangeMetrics Metrics { get; }

    public MetricCollector<long> Greetings { get; }

    public FakeLogCollector Logs { get; } = new();

    public HelloService Service { get; }

    /// <summary>A guard for awaits that could hang; never a timing assertion.</summary>
    public static CancellationToken Guard() => TestGuard.Token();

    /// <summary>Makes <see cref="IHelloChainSource.TryLoadFullTipSetAsync"/> find <paramref name="tipSet"/>.</summary>
    public void HaveLocally(FullTipSet tipSet) =>
        Chain.TryLoadFullTipSetAsync(tipSet.Key, Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult<FullTipSet?>(tipSet));

    public Task StartAsync() => Service.StartAsync(Guard());

    /// <summary>Opens a hello stream from <paramref name="from"/>, writes <paramref name="greeting"/> and reads the answer.</summary>
    public static async Task<LatencyMessage> GreetAsync(IStreamHost from, PeerId to, HelloMessage greeting, bool halfClose = true)
    {
        await using INetworkStream stream = await from.OpenStreamAsync(to, HelloMessage.ProtocolId, Guard());
        await stream.Output.WriteAsync(greeting.Encode(), Guard());
        if (halfClose)
        {
            await stream.CompleteWritingAsync(Guard());
        }
        else
        {
            await stream.Output.FlushAsync(Guard());
        }

        return LatencyMessage.Decode(await ReadAllAsync(stream));
    }

    public Task<LatencyMessage> GreetAsync(IStreamHost from, HelloMessage greeting, bool halfClose = true) => GreetAsync(from, Us.LocalPeer, greeting, halfClose);

    /// <summary>Reads what the other end writes until it half-closes.</summary>
    public static async Task<byte[]> ReadAllAsync(INetworkStream stream) =>
        await BoundedReader.ReadMessageAsync(stream.Input, PeerLimits, TimeProvider.System, null, Guard());

    /// <summary>The next head the service reports.</summary>
    public async Task<GreetedHead> NextHeadAsync()
    {
        _heads ??= Service.Heads(CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await _heads.MoveNextAsync().AsTask().WaitAsync(Guard()), "the heads ended");
        return _heads.Current;
    }

    /// <summary>Stops the service and returns the heads it still held.</summary>
    public async Task<List<GreetedHead>> StopAndDrainAsync()
    {
        await Service.StopAsync(Guard());
        var left = new List<GreetedHead>();
        await foreach (GreetedHead head in Service.Heads(Guard()))
        {
            left.Add(head);
        }

        return left;
    }

    /// <summary>Waits until <paramref name="count"/> greetings have been counted with <paramref name="result"/>.</summary>
    public async Task WaitForResultAsync(string result, int count = 1)
    {
        // One snapshot for both the count and the wait: a measurement landing between two snapshots would be counted
        // as seen without being checked, and the wait for one more would outlast the guard.
        while (true)
        {
            var snapshot = Greetings.GetMeasurementSnapshot();
            if (snapshot.Count(m => m.Tags["result"] as string == result) >= count)
            {
                return;
            }

            await Greetings.WaitForMeasurementsAsync(snapshot.Count + 1, Guard());
        }
    }

    /// <summary>The result tags counted so far, in order.</summary>
    public List<string?> Results() => [.. Greetings.GetMeasurementSnapshot().Select(m => m.Tags["result"] as string)];

    /// <summary>Waits for a log event with <paramref name="eventId"/>.</summary>
    public async Task<FakeLogRecord> WaitForLogAsync(int eventId)
    {
        await foreach (FakeLogRecord record in Logs.GetLogsAsync(Guard()))
        {
            if (record.Id.Id == eventId)
            {
                return record;
            }
        }

        throw new InvalidOperationException("the log ended");
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        if (_heads is not null)
        {
            await _heads.DisposeAsync();
        }

        await Network.DisposeAsync();
        Greetings.Dispose();
        _meters.Dispose();
    }
}
