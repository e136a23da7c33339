using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Hello;

/// <summary>
/// The <c>/fil/hello/1.0.0</c> protocol: greets every newly connected peer with our head and genesis, answers
/// peers' greetings with the latency message, drops peers of another chain, and reports the heads that peers
/// greet us with, with their messages, as <see cref="GreetedHead"/>s on <see cref="Heads"/>.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> Nothing runs until <see cref="StartAsync"/>, which registers the stream handler and
/// starts the one loop over <see cref="IStreamHost.ConnectionEvents"/>. <see cref="StopAsync"/> removes the handler,
/// cancels the loop, every greeting and every fetch, and returns once all of them have ended; it then completes
/// <see cref="Heads"/>. The service starts once and cannot be restarted. Start and stop must not race each other.</para>
/// <para><b>Outbound.</b> On each <see cref="ConnectionChange.Identified"/> event (either direction) whose protocols
/// list <c>/fil/hello/1.0.0</c> — Lotus's <c>RunHello</c> greets on identify completion and only such peers — the
/// service opens a hello stream, writes our <see cref="HelloMessage"/>, half-closes, and reads the
/// peer's <see cref="LatencyMessage"/> to log the round trip and clock offset. Peers already connected before
/// start are not greeted. Any failure ends that greeting quietly (Debug): a peer that does not speak hello keeps
/// its connection.</para>
/// <para><b>Inbound.</b> A greeting is read within <see cref="HelloServiceOptions.MaxGreetingBytes"/> and
/// <see cref="HelloServiceOptions.GreetingReadTimeout"/>; a peer may half-close or not (the read stops at the end
/// of the first whole CBOR item). Its arrival time is taken once the greeting is read, as Lotus does. An unreadable
/// or malformed greeting resets the stream and nothing more: the connection stays, as in Venus (Lotus drops it).
/// A greeting naming another genesis resets the stream and disconnects the peer, as both Lotus and Venus do.
/// Otherwise we answer <c>LatencyMessage(TArrival, TSent)</c> in Unix nanoseconds from the
/// <see cref="TimeProvider"/>, half-close, make the peer a candidate of the exchange client
/// (<see cref="IChainExchange.AddPeer"/>, Lotus's <c>AddFilecoinPeer</c>), and hand the greeted head to a
/// background fetch.</para>
/// <para><b>Fetch.</b> The greeted tipset is loaded from <see cref="IHelloChainSource"/> or else fetched from the
/// greeting peer alone with <see cref="IChainExchange.GetFullTipSetAsync"/> (headers and messages); it is not stored
/// here: whoever reads <see cref="Heads"/> (the sync dispatcher) stores what it takes in. At most one fetch per peer runs at a time: a greeting from a peer whose previous
/// greeting is still being fetched is dropped and counted <c>busy</c>, not queued and not allowed to replace the
/// running fetch, so a peer that greets in a loop cannot keep us fetching without end, and the fetch already
/// running still yields that peer's head. At most <see cref="HelloServiceOptions.MaxConcurrentFetches"/> run over
/// all peers; greetings beyond that are also counted <c>busy</c>.</para>
/// <para><b>What is reported.</b> Every fetched or loaded head except the genesis tipset (Lotus: "don't bother
/// informing about genesis"), as <c>GreetedHead(head with its messages, peer)</c>. Following Lotus, a head
/// lighter or lower than ours is reported too: deciding whether to sync to it is the engine's job, not this
/// service's. A greeting with an empty head key is not fetched. Heads wait in a bounded channel of
/// <see cref="HelloServiceOptions.HeadsCapacity"/>; when it is full the fetch waits for room
/// (<see cref="BoundedChannelFullMode.Wait"/>): a head costs a round trip to fetch, so it is not thrown away once
/// we have it, and a stalled consumer stops new fetches through the fetch cap instead of growing memory.</para>
/// <para><b>Metrics.</b> Each greeting received is counted once with
/// <see cref="ExchangeMetrics.GreetingReceived"/>, with one of the results <c>accepted</c> (head reported),
/// <c>ignored</c> (empty or genesis head), <c>busy</c>, <c>fetch_failed</c>, <c>wrong_genesis</c>,
/// <c>malformed</c> (not a greeting, or too large), <c>unreadable</c> (stream failed or timed out before a whole
/// greeting) and <c>internal_error</c> (the chain source failed). Greetings cut short by <see cref="StopAsync"/>
/// are not counted. Each inbound greeting runs in an activity named <see cref="GreetingActivityName"/>.</para>
/// </remarks>
public sealed partial class HelloService : IAsyncDisposable
{
    /// <summary>Name of the activity (span) around each received greeting.</summary>
    public const string GreetingActivityName = "hello.greeting";

    /// <summary>Most bytes accepted for a latency answer; the message itself is at most 19 bytes.</summary>
    private const int MaxLatencyBytes = 64;

    private readonly IStreamHost _host;
    private readonly IChainExchange _exchange;
    private readonly IHelloChainSource _chain;
    private readonly ExchangeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<HelloService> _logger;
    private readonly HelloServiceOptions _options;
    private readonly ReadLimits _greetingLimits;
    private readonly ReadLimits _latencyLimits;
    private readonly Channel<GreetedHead> _heads;

    private readonly Lock _gate = new();
    private readonly HashSet<PeerId> _fetching = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LifeState _state;
    private int _active;
    private CancellationTokenSource? _stopping;
    private Task? _connectionLoop;

    /// <summary>Creates the service; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="host">The libp2p host.</param>
    /// <param name="exchange">The exchange client greeted heads are fetched with.</param>
    /// <param name="chain">Our head and genesis, and the local store of full tipsets.</param>
    /// <param name="metrics">Where greetings are counted.</param>
    /// <param name="time">The clock of deadlines and latency timestamps.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="options">Limits; <see langword="null"/> for the defaults. Copied and validated here.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public HelloService(
        IStreamHost host,
        IChainExchange exchange,
        IHelloChainSource chain,
        ExchangeMetrics metrics,
        TimeProvider time,
        ILogger<HelloService> logger,
        HelloServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = (options ?? new HelloServiceOptions()).Clone();
        OptionsCheck.ThrowIfInvalid(_options.Validate(), nameof(options));
        _host = host;
        _exchange = exchange;
        _chain = chain;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _greetingLimits = new ReadLimits(_options.MaxGreetingBytes, _options.GreetingReadTimeout, 0, _options.GreetingReadTimeout);
        _latencyLimits = new ReadLimits(MaxLatencyBytes, _options.LatencyReadTimeout, 0, _options.LatencyReadTimeout);
        _heads = Channel.CreateBounded<GreetedHead>(new BoundedChannelOptions(_options.HeadsCapacity)
        {
            // Wait, not drop: see the class remarks. Writers are fetch tasks, which StopAsync cancels.
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = false,
        });
    }

    private enum LifeState
    {
        Created,
        Running,
        Stopping,
        Stopped,
    }

    /// <summary>
    /// Heads greeted to us, in the order their fetches finished, until <see cref="StopAsync"/> has ended or
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <remarks>
    /// Meant for one consumer (the sync dispatcher). With several, each head goes to exactly one of them. Heads
    /// queued before the consumer starts reading are kept, up to <see cref="HelloServiceOptions.HeadsCapacity"/>.
    /// A channel rather than a callback: the consumer's code runs in its own loop, never inside the service's fetch
    /// tasks, so its exceptions and stalls stay its own, and the full mode is chosen here once (see the class remarks).
    /// </remarks>
    public IAsyncEnumerable<GreetedHead> Heads(CancellationToken cancellationToken) => _heads.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Registers the <see cref="HelloMessage.ProtocolId"/> handler and starts greeting newly connected peers.
    /// Connection events from the moment this returns are seen.
    /// </summary>
    /// <exception cref="InvalidOperationException">The service was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CancellationTokenSource stopping;
        lock (_gate)
        {
            if (_state != LifeState.Created)
            {
                throw new InvalidOperationException("A hello service starts once.");
            }

            stopping = new CancellationTokenSource();
            _stopping = stopping;
            _state = LifeState.Running;
        }

        // An async-iterator subscription only begins at its first MoveNextAsync. Making that call here, before
        // returning, means no connection made after StartAsync is missed while the loop is being scheduled.
        IAsyncEnumerator<ConnectionEvent> events = _host.ConnectionEvents(stopping.Token).GetAsyncEnumerator(stopping.Token);
        ValueTask<bool> first = events.MoveNextAsync();
        _host.SetStreamHandler(HelloMessage.ProtocolId, HandleGreetingAsync);
        _connectionLoop = RunConnectionLoopAsync(events, first, stopping.Token);
        _logger.Started(HelloMessage.ProtocolId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Removes the handler, cancels the connection loop, every greeting and every fetch, and waits for all of them
    /// to end; then completes <see cref="Heads"/>. Does nothing when the service is not running.
    /// </summary>
    /// <param name="cancellationToken">Stops the waiting (the work is cancelled regardless).</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? stopping;
        Task? loop;
        lock (_gate)
        {
            if (_state == LifeState.Created)
            {
                _state = LifeState.Stopped;
                _heads.Writer.TryComplete();
                return;
            }

            if (_state != LifeState.Running)
            {
                return;
            }

            _state = LifeState.Stopping;
            if (_active == 0)
            {
                _drained.TrySetResult();
            }

            stopping = _stopping;
            loop = _connectionLoop;
        }

        _host.RemoveStreamHandler(HelloMessage.ProtocolId);
        await stopping!.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        _heads.Writer.TryComplete();
        lock (_gate)
        {
            _state = LifeState.Stopped;
        }

        stopping.Dispose();
        _logger.Stopped();
    }

    /// <summary>Stops the service (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private static long UnixNanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * TimeSpan.NanosecondsPerTick;

    /// <summary>Whether the bytes so far hold one whole CBOR item (peers that do not half-close stop there).</summary>
    private static bool IsWholeItem(ReadOnlySequence<byte> buffer)
    {
        // The buffer is bounded by the read limits (at most MaxGreetingBytes), so copying a split one is cheap.
        ReadOnlySpan<byte> span = buffer.IsSingleSegment ? buffer.FirstSpan : buffer.ToArray();
        try
        {
            var reader = new DagCborReader(span);
            reader.SkipValue();
            return true;
        }
        catch (FormatException)
        {
            // Truncated (more is coming) or malformed (the read ends at the peer's half-close or the deadline).
            return false;
        }
    }

    /// <summary>Admits one unit of work (a handler, greeting or fetch) that <see cref="StopAsync"/> waits for.</summary>
    private bool TryEnter(out CancellationToken stopping)
    {
        lock (_gate)
        {
            if (_state != LifeState.Running)
            {
                stopping = default;
                return false;
            }

            _active++;
            stopping = _stopping!.Token;
            return true;
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            if (--_active == 0 && _state == LifeState.Stopping)
            {
                _drained.TrySetResult();
            }
        }
    }
}

/// <summary>The closed set of <c>result</c> tags of <see cref="ExchangeMetrics.GreetingReceived"/>.</summary>
internal static class GreetingResults
{
    public const string Accepted = "accepted";
    public const string Ignored = "ignored";
    public const string Busy = "busy";
    public const string FetchFailed = "fetch_failed";
    public const string WrongGenesis = "wrong_genesis";
    public const string Malformed = "malformed";
    public const string Unreadable = "unreadable";
    public const string InternalError = "internal_error";
}
