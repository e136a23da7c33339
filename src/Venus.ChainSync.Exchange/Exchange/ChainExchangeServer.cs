using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Venus.ChainSync.Diagnostics;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives.Cbor;
using Venus.ChainSync.Primitives.Storage;

namespace Venus.ChainSync.Exchange;

/// <summary>
/// Serves <c>/fil/chain/xchg/0.0.1</c> from an <see cref="IBlockstore"/>: reads one request per stream, walks the
/// chain back from the requested head and answers with headers, compacted messages or both.
/// </summary>
/// <remarks>
/// <para><b>Guarantees.</b> Every stream gets at most one response and is then closed, or is reset. The request must
/// arrive whole within <see cref="ExchangeServerOptions.ReadDeadline"/> (the peer need not half-close: one whole
/// request is enough) and the response must be taken within <see cref="ExchangeServerOptions.WriteDeadline"/>; a
/// peer that misses either has its stream reset. Requests are capped per peer and in total; over a cap the answer
/// is <see cref="ExchangeStatus.GoAway"/>, at once and without reading the request. Response bytes in flight are
/// capped per peer and in total too (see <see cref="ExchangeServerOptions"/>): a response stops as
/// <see cref="ExchangeStatus.Partial"/> at a byte cap, and only the total cap turns a request away. The response is written one
/// tipset at a time, so memory per request is bounded by <see cref="ExchangeServerOptions.MaxResponseBytes"/> of
/// loaded data, never a second encoded copy.</para>
/// <para><b>Answers</b> (validation as Lotus words it): no option bit, a length of 0 or over 900, or an empty head
/// → <see cref="ExchangeStatus.BadRequest"/>; head not stored (headers, or its messages when asked for) →
/// <see cref="ExchangeStatus.InternalError"/>, as Lotus and Venus answer it (this server never answers
/// <see cref="ExchangeStatus.NotFound"/>); all tipsets asked for → <see cref="ExchangeStatus.Ok"/>; fewer →
/// <see cref="ExchangeStatus.Partial"/>, head included, which happens at genesis (a Lotus client refuses
/// <see cref="ExchangeStatus.Ok"/> with fewer tipsets than asked, so genesis is reported as Lotus does), when a
/// parent or its messages are not stored, and at the response size cap; a failing store or corrupt stored data
/// → <see cref="ExchangeStatus.InternalError"/>. Headers only: <see cref="TipSetBundle.Messages"/> is null;
/// messages only: <see cref="TipSetBundle.Blocks"/> is empty, as Lotus sends them.</para>
/// <para><b>What it does not do.</b> It does not check that stored data hashes to its CIDs (the store is trusted,
/// see <see cref="IBlockstore"/>), and it does not penalise peers: shedding load is all it does.</para>
/// <para><b>Lifetime.</b> Nothing happens until <see cref="Start"/>; <see cref="StopAsync"/> removes the handler,
/// cancels the requests in flight and waits for them. A stopped server cannot be started again.</para>
/// </remarks>
public sealed partial class ChainExchangeServer : IAsyncDisposable
{
    /// <summary>The span name of one served stream.</summary>
    public const string ActivityName = "exchange.serve";

    private const string Direction = "inbound";

    private static readonly string LengthOverMaximum = string.Create(
        CultureInfo.InvariantCulture, $"request length over maximum allowed ({ExchangeProtocol.MaxRequestLength})");

    private readonly IStreamHost _host;
    private readonly IBlockstore _store;
    private readonly ExchangeServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExchangeMetrics? _metrics;
    private readonly ReadLimits _readLimits;
    private readonly Lock _gate = new();
    private readonly ServerLoad _load;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServerState _state;
    private int _handlers;

    /// <summary>Creates a server; it serves nothing until <see cref="Start"/>.</summary>
    /// <param name="host">The host whose inbound streams it answers.</param>
    /// <param name="store">Where headers, message metas, message AMTs and messages are read from.</param>
    /// <param name="options">Limits (copied now, validated at <see cref="Start"/>); the defaults when null.</param>
    /// <param name="time">The clock of every deadline; the system clock when null.</param>
    /// <param name="logger">Where events 3100–3199 go; nowhere when null.</param>
    /// <param name="metrics">The exchange instruments; none when null.</param>
    public ChainExchangeServer(
        IStreamHost host,
        IBlockstore store,
        ExchangeServerOptions? options = null,
        TimeProvider? time = null,
        ILogger<ChainExchangeServer>? logger = null,
        ExchangeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(store);
        _host = host;
        _store = store;
        _options = Copy(options ?? new ExchangeServerOptions());
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = metrics;
        _load = new ServerLoad(_options);

        // The server's own deadline (set when the stream arrives) bounds the whole read; the reader's limits only
        // bound the size. There is no speed floor: a request is tiny, and the deadline already bounds a slow one.
        _readLimits = new ReadLimits(_options.MaxRequestBytes, _options.ReadDeadline, 0, _options.ReadDeadline);
    }

    private enum ServerState
    {
        Created,
        Running,
        Stopped,
    }

    /// <summary>Requests holding a concurrency slot now (for tests).</summary>
    internal int AdmittedRequests => _load.Requests;

    /// <summary>Response bytes reserved by requests now (for tests).</summary>
    internal long BytesInFlight => _load.Bytes;

    /// <summary>Handler calls still running, admitted or not (for tests).</summary>
    internal int RunningHandlers
    {
        get
        {
            lock (_gate)
            {
                return _handlers;
            }
        }
    }

    /// <summary>Validates the options and registers the handler for <see cref="ExchangeProtocol.Id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The server was started before.</exception>
    public void Start()
    {
        OptionsCheck.ThrowIfInvalid(_options.Validate(), "options");
        lock (_gate)
        {
            if (_state != ServerState.Created)
            {
                throw new InvalidOperationException("A chain exchange server starts once.");
            }

            _state = ServerState.Running;
        }

        _host.SetStreamHandler(ExchangeProtocol.Id, HandleStreamAsync);
        ServerLog.Started(_logger, ExchangeProtocol.Id);
    }

    /// <summary>
    /// Removes the handler (later streams are refused by the host), cancels the requests in flight (their streams
    /// are reset) and waits until every handler call has ended. Safe to call more than once, or without a start.
    /// </summary>
    /// <param name="cancellationToken">Stops the waiting (not the stopping).</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        bool wasRunning;
        int inFlight;
        lock (_gate)
        {
            wasRunning = _state == ServerState.Running;
            _state = ServerState.Stopped;
            inFlight = _handlers;
            if (_handlers == 0)
            {
                _drained.TrySetResult();
            }
        }

        if (wasRunning)
        {
            _host.RemoveStreamHandler(ExchangeProtocol.Id);
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (wasRunning)
        {
            ServerLog.Stopped(_logger, inFlight);
        }
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static ExchangeServerOptions Copy(ExchangeServerOptions options) => new()
    {
        ReadDeadline = options.ReadDeadline,
        WriteDeadline = options.WriteDeadline,
        MaxRequestBytes = options.MaxRequestBytes,
        MaxConcurrentRequestsPerPeer = options.MaxConcurrentRequestsPerPeer,
        MaxConcurrentRequests = options.MaxConcurrentRequests,
        MaxResponseBytes = options.MaxResponseBytes,
        MaxBytesInFlightPerPeer = options.MaxBytesInFlightPerPeer,
        MaxBytesInFlight = options.MaxBytesInFlight,
    };

    private Task HandleStreamAsync(INetworkStream stream, CancellationToken hostStopping)
    {
        lock (_gate)
        {
            if (_state != ServerState.Running)
            {
                // The host called us after (or while) the handler was removed.
                ServerLog.RefusedNotRunning(_logger, stream.RemotePeer);
                stream.Abort();
                return Task.CompletedTask;
            }

            _handlers++;
        }

        return ServeTrackedAsync(stream, hostStopping);
    }

    private async Task ServeTrackedAsync(INetworkStream stream, CancellationToken hostStopping)
    {
        try
        {
            await ServeAsync(stream, hostStopping).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (--_handlers == 0 && _state == ServerState.Stopped)
                {
                    _drained.TrySetResult();
                }
            }
        }
    }

    private async Task ServeAsync(INetworkStream stream, CancellationToken hostStopping)
    {
        PeerId peer = stream.RemotePeer;
        long started = _time.GetTimestamp();
        using Activity? activity = ChainSyncDiagnostics.ActivitySource.StartActivity(ActivityName, ActivityKind.Server);

        // The read deadline runs from the stream's arrival and exists before the request counts as admitted.
        using var readDeadline = new CancellationTokenSource(_options.ReadDeadline, _time);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, _stopping.Token);
        CancellationToken stop = stopping.Token;
        Outcome outcome = Outcome.Cancelled;
        try
        {
            string? refusal = _load.TryAdmit(peer, out ServerLoad.Lease? lease);
            if (lease is null)
            {
                ServerLog.LoadShed(_logger, peer, refusal!);
                outcome = await WriteResponseAsync(stream, ExchangeStatus.GoAway, refusal!, [], stop).ConfigureAwait(false);
                return;
            }

            // The slot and the reserved bytes are given back once the response is written (or the stream reset).
            using (lease)
            {
                outcome = await ServeAdmittedAsync(stream, lease, activity, readDeadline.Token, stop).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (stop.IsCancellationRequested)
        {
            // Shutting down: the stream is reset and a cancellation goes back to the host; whatever else the
            // reset caused on its way out is of no interest.
            stream.Abort();
            if (ex is OperationCanceledException)
            {
                throw;
            }
        }
        catch (Exception ex)
        {
            // A bug of ours: the peer must not pay with more than its stream.
            ServerLog.ServeFailed(_logger, peer, ex);
            stream.Abort();
            outcome = Outcome.Failed;
        }
        finally
        {
            Record(outcome, started, activity);
        }
    }

    private async Task<Outcome> ServeAdmittedAsync(INetworkStream stream, ServerLoad.Lease lease, Activity? activity, CancellationToken readDeadline, CancellationToken stop)
    {
        PeerId peer = stream.RemotePeer;
        byte[] bytes;
        using (var reading = CancellationTokenSource.CreateLinkedTokenSource(stop, readDeadline))
        {
            try
            {
                bytes = await BoundedReader.ReadMessageAsync(stream.Input, _readLimits, _time, IsWholeRequest, reading.Token).ConfigureAwait(false);
            }
            catch (BoundedReadException ex) when (ex.Failure == ReadFailure.TooLarge)
            {
                ServerLog.BadRequest(_logger, peer, "request too large");
                return await WriteResponseAsync(stream, ExchangeStatus.BadRequest, "request too large", [], stop).ConfigureAwait(false);
            }
            catch (BoundedReadException ex) when (ex.Failure == ReadFailure.StreamError)
            {
                ServerLog.ReadFailed(_logger, peer, ex);
                stream.Abort();
                return Outcome.Reset;
            }
            catch (BoundedReadException ex)
            {
                ServerLog.ReadTimedOut(_logger, peer, ex.Failure);
                stream.Abort();
                return Outcome.Timeout;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                ServerLog.ReadTimedOut(_logger, peer, ReadFailure.Deadline);
                stream.Abort();
                return Outcome.Timeout;
            }
        }

        ExchangeRequest request;
        try
        {
            request = ExchangeRequest.Decode(bytes);
        }
        catch (FormatException ex)
        {
            string reason = ex is DagCborException cbor ? cbor.Reason : ex.Message;
            ServerLog.BadRequest(_logger, peer, reason);
            return await WriteResponseAsync(stream, ExchangeStatus.BadRequest, "malformed request: " + reason, [], stop).ConfigureAwait(false);
        }

        activity?.SetTag("exchange.request.length", request.Length);
        activity?.SetTag("exchange.request.options", (ulong)request.Options);
        string? invalid = Validate(request);
        if (invalid is not null)
        {
            ServerLog.BadRequest(_logger, peer, invalid);
            return await WriteResponseAsync(stream, ExchangeStatus.BadRequest, invalid, [], stop).ConfigureAwait(false);
        }

        Answer answer;
        try
        {
            answer = await CollectAsync(request, peer, lease, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // The store failed or holds data that does not decode: a local fault, not the peer's.
            ServerLog.ServeFailed(_logger, peer, ex);
            return await WriteResponseAsync(stream, ExchangeStatus.InternalError, "internal error", [], stop).ConfigureAwait(false);
        }

        return await WriteResponseAsync(stream, answer.Status, answer.Message, answer.Chain, stop).ConfigureAwait(false);
    }

    /// <summary>Lotus's checks, in Lotus's order and words.</summary>
    private static string? Validate(ExchangeRequest request)
    {
        if ((request.Options & (ExchangeOptions.Headers | ExchangeOptions.Messages)) == 0)
        {
            return "no options set";
        }

        if (request.Length > ExchangeProtocol.MaxRequestLength)
        {
            return LengthOverMaximum;
        }

        if (request.Length == 0)
        {
            return "invalid request length of zero";
        }

        return request.Head.IsEmpty ? "no cids in request" : null;
    }

    /// <summary>
    /// Whether the bytes so far are one whole request, so a peer that does not half-close is served (Lotus reads
    /// one CBOR item). Bytes that can never become a request (not a 3-item array) also end the read, so that
    /// garbage is answered at once.
    /// </summary>
    private static bool IsWholeRequest(ReadOnlySequence<byte> buffer)
    {
        const byte ThreeItemArray = 0x83;
        Span<byte> first = stackalloc byte[1];
        buffer.Slice(0, 1).CopyTo(first);
        if (first[0] != ThreeItemArray)
        {
            return true;
        }

        if (buffer.IsSingleSegment)
        {
            return DecodesAsRequest(buffer.FirstSpan);
        }

        // The reader bounds the buffer to MaxRequestBytes, so this copy is small.
        byte[] rented = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
        try
        {
            buffer.CopyTo(rented);
            return DecodesAsRequest(rented.AsSpan(0, (int)buffer.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool DecodesAsRequest(ReadOnlySpan<byte> bytes)
    {
        try
        {
            ExchangeRequest.Decode(bytes);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void Record(Outcome outcome, long started, Activity? activity)
    {
        _metrics?.RequestFinished(Direction, outcome.Tag, _time.GetElapsedTime(started), outcome.Bytes);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("exchange.outcome", outcome.Tag);
        if (outcome.Status is { } status)
        {
            activity.SetTag("exchange.response.status", (ulong)status);
            activity.SetTag("exchange.response.tipsets", outcome.TipSets);
        }

        if (outcome.Status is null or ExchangeStatus.InternalError)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome.Tag);
        }
    }

    /// <summary>How one stream ended: the metric tag, and the response when one was written.</summary>
    private readonly record struct Outcome(string Tag, ExchangeStatus? Status, int TipSets, long Bytes)
    {
        public static Outcome Timeout => new("timeout", null, 0, 0);

        public static Outcome Reset => new("reset", null, 0, 0);

        public static Outcome Cancelled => new("cancelled", null, 0, 0);

        public static Outcome Failed => new("failed", null, 0, 0);

        public static Outcome Written(ExchangeStatus status, int tipSets, long bytes) => new(ExchangeMetrics.StatusTag(status), status, tipSets, bytes);
    }
}
