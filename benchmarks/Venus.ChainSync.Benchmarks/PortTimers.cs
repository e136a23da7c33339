using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using Venus.ChainSync.Exchange;
using Venus.ChainSync.Network;
using Venus.ChainSync.Primitives;

namespace Venus.ChainSync.Benchmarks;

/// <summary>
/// Elapsed time and call count of one method of one host port, summed over a catch-up (thread-safe; the syncer's
/// fetch task and its execute loop call ports at the same time).
/// </summary>
/// <remarks>
/// Elapsed is from the call to the completion of the returned task, so for a call that awaits something (the exchange
/// waiting on the network) it includes whatever else ran meanwhile; for the in-memory ports, which complete
/// synchronously, it is the call's own work (and any GC pause that fell inside it).
/// </remarks>
internal sealed class PortTimer(string port, string method)
{
    private long _ticks;
    private long _calls;

    public string Port { get; } = port;

    public string Method { get; } = method;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public long Calls => Interlocked.Read(ref _calls);

    public void Stop(long start)
    {
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _calls);
    }

    /// <summary>Stops the clock started at <paramref name="start"/> (taken before the call) when <paramref name="call"/> completes.</summary>
    public ValueTask<T> Finish<T>(ValueTask<T> call, long start)
    {
        if (call.IsCompletedSuccessfully)
        {
            Stop(start);
            return call;
        }

        return Slow(call, start);

        async ValueTask<T> Slow(ValueTask<T> pending, long started)
        {
            try
            {
                return await pending.ConfigureAwait(false);
            }
            finally
            {
                Stop(started);
            }
        }
    }

    /// <inheritdoc cref="Finish{T}(ValueTask{T}, long)"/>
    public ValueTask Finish(ValueTask call, long start)
    {
        if (call.IsCompletedSuccessfully)
        {
            Stop(start);
            return call;
        }

        return Slow(call, start);

        async ValueTask Slow(ValueTask pending, long started)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            finally
            {
                Stop(started);
            }
        }
    }
}

/// <summary>The timers of one catch-up, one per port method, created by the decorators that use them.</summary>
internal sealed class PortTimers
{
    private readonly List<PortTimer> _timers = [];

    /// <summary>Timestamp of the first message request, so the header phase (sequential, before it) can be told apart.</summary>
    private long _firstMessages;

    public long FirstMessagesTimestamp => Interlocked.Read(ref _firstMessages);

    public PortTimer Create(string port, string method)
    {
        var timer = new PortTimer(port, method);
        _timers.Add(timer);
        return timer;
    }

    public void MarkMessages() => Interlocked.CompareExchange(ref _firstMessages, Stopwatch.GetTimestamp(), 0);

    public PortSplit Snapshot() => new([.. _timers.Select(t => new PortSplit.Entry(t.Port, t.Method, t.Elapsed, t.Calls))]);
}

/// <summary>A serialisable copy of <see cref="PortTimers"/> (the child process reports it as JSON).</summary>
internal sealed record PortSplit(PortSplit.Entry[] Entries)
{
    public TimeSpan Port(string port) => Entries.Where(e => e.Port == port).Aggregate(TimeSpan.Zero, (sum, e) => sum + e.Elapsed);

    public long Calls(string port) => Entries.Where(e => e.Port == port).Sum(e => e.Calls);

    public TimeSpan Ports(params string[] ports) => ports.Aggregate(TimeSpan.Zero, (sum, p) => sum + Port(p));

    internal sealed record Entry(string Port, string Method, TimeSpan Elapsed, long Calls);
}

internal sealed class TimedChainStore(IChainStore inner, PortTimers timers) : IChainStore
{
    private readonly PortTimer _genesis = timers.Create("store", nameof(GetGenesisAsync));
    private readonly PortTimer _getHead = timers.Create("store", nameof(GetHeadAsync));
    private readonly PortTimer _setHead = timers.Create("store", nameof(SetHeadAsync));
    private readonly PortTimer _getTipSet = timers.Create("store", nameof(GetTipSetAsync));
    private readonly PortTimer _putHeaders = timers.Create("store", nameof(PutHeadersAsync));
    private readonly PortTimer _putMessages = timers.Create("store", nameof(PutMessagesAsync));
    private readonly PortTimer _getFull = timers.Create("store", nameof(GetFullTipSetAsync));
    private readonly PortTimer _getState = timers.Create("store", nameof(GetStateAsync));
    private readonly PortTimer _setState = timers.Create("store", nameof(SetStateAsync));
    private readonly PortTimer _getCheckpoint = timers.Create("store", nameof(GetCheckpointAsync));
    private readonly PortTimer _setCheckpoint = timers.Create("store", nameof(SetCheckpointAsync));

    public ValueTask<TipSet> GetGenesisAsync(CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _genesis.Finish(inner.GetGenesisAsync(cancellationToken), start);
    }

    public ValueTask<TipSet> GetHeadAsync(CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _getHead.Finish(inner.GetHeadAsync(cancellationToken), start);
    }

    public ValueTask SetHeadAsync(TipSet head, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _setHead.Finish(inner.SetHeadAsync(head, cancellationToken), start);
    }

    public ValueTask<TipSet?> GetTipSetAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _getTipSet.Finish(inner.GetTipSetAsync(key, cancellationToken), start);
    }

    public ValueTask PutHeadersAsync(IReadOnlyList<BlockHeader> headers, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _putHeaders.Finish(inner.PutHeadersAsync(headers, cancellationToken), start);
    }

    public ValueTask PutMessagesAsync(FullTipSet tipSet, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _putMessages.Finish(inner.PutMessagesAsync(tipSet, cancellationToken), start);
    }

    public ValueTask<FullTipSet?> GetFullTipSetAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _getFull.Finish(inner.GetFullTipSetAsync(key, cancellationToken), start);
    }

    public ValueTask<TipSetState?> GetStateAsync(TipSetKey key, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _getState.Finish(inner.GetStateAsync(key, cancellationToken), start);
    }

    public ValueTask SetStateAsync(TipSetKey key, TipSetState state, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _setState.Finish(inner.SetStateAsync(key, state, cancellationToken), start);
    }

    public ValueTask<TipSetKey?> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _getCheckpoint.Finish(inner.GetCheckpointAsync(cancellationToken), start);
    }

    public ValueTask SetCheckpointAsync(TipSetKey checkpoint, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _setCheckpoint.Finish(inner.SetCheckpointAsync(checkpoint, cancellationToken), start);
    }
}

internal sealed class TimedExecutor(ITipSetExecutor inner, PortTimers timers) : ITipSetExecutor
{
    private readonly PortTimer _execute = timers.Create("executor", nameof(ExecuteAsync));

    public ValueTask<TipSetState> ExecuteAsync(FullTipSet tipSet, TipSetState parentState, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _execute.Finish(inner.ExecuteAsync(tipSet, parentState, cancellationToken), start);
    }
}

internal sealed class TimedValidator(IBlockValidator inner, PortTimers timers) : IBlockValidator
{
    private readonly PortTimer _validate = timers.Create("validator", nameof(ValidateAsync));

    public ValueTask<BlockValidation> ValidateAsync(FullBlock block, TipSet parent, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _validate.Finish(inner.ValidateAsync(block, parent, cancellationToken), start);
    }
}

internal sealed class TimedWeigher(IChainWeigher inner, PortTimers timers) : IChainWeigher
{
    private readonly PortTimer _weigh = timers.Create("weigher", nameof(WeightAsync));

    public ValueTask<BigInteger> WeightAsync(TipSet tipSet, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        return _weigh.Finish(inner.WeightAsync(tipSet, cancellationToken), start);
    }
}

/// <summary>
/// Times the exchange (server + transport + client decode and validation, as the syncer sees it) and, when given a
/// <see cref="ExchangeRecording"/>, keeps every answer so that a <see cref="ReplayExchange"/> can give it again.
/// </summary>
internal sealed class TimedExchange(IChainExchange inner, PortTimers timers, ExchangeRecording? recording = null) : IChainExchange
{
    private readonly PortTimer _blocks = timers.Create("exchange", nameof(GetBlocksAsync));
    private readonly PortTimer _messages = timers.Create("exchange", nameof(GetChainMessagesAsync));
    private readonly PortTimer _full = timers.Create("exchange", nameof(GetFullTipSetAsync));

    public async Task<IReadOnlyList<TipSet>> GetBlocksAsync(TipSetKey head, int count, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            IReadOnlyList<TipSet> answer = await inner.GetBlocksAsync(head, count, cancellationToken).ConfigureAwait(false);
            recording?.Blocks.TryAdd((head, count), answer);
            return answer;
        }
        finally
        {
            _blocks.Stop(start);
        }
    }

    public async Task<IReadOnlyList<FullTipSet>> GetChainMessagesAsync(IReadOnlyList<TipSet> tipsets, CancellationToken cancellationToken)
    {
        timers.MarkMessages();
        long start = Stopwatch.GetTimestamp();
        try
        {
            IReadOnlyList<FullTipSet> answer = await inner.GetChainMessagesAsync(tipsets, cancellationToken).ConfigureAwait(false);
            recording?.Messages.TryAdd((tipsets[0].Key, tipsets.Count), answer);
            return answer;
        }
        finally
        {
            _messages.Stop(start);
        }
    }

    public async Task<FullTipSet> GetFullTipSetAsync(IReadOnlyList<PeerId> peers, TipSetKey key, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.GetFullTipSetAsync(peers, key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _full.Stop(start);
        }
    }

    public void AddPeer(PeerId peer) => inner.AddPeer(peer);

    public void RemovePeer(PeerId peer) => inner.RemovePeer(peer);
}

/// <summary>Every answer the exchange gave during one catch-up, keyed by the request (head and length).</summary>
internal sealed class ExchangeRecording
{
    public ConcurrentDictionary<(TipSetKey Head, int Count), IReadOnlyList<TipSet>> Blocks { get; } = new();

    public ConcurrentDictionary<(TipSetKey Head, int Count), IReadOnlyList<FullTipSet>> Messages { get; } = new();
}

/// <summary>
/// An exchange that answers from a <see cref="ExchangeRecording"/> at once (a completed task): no server, transport or
/// decoding, so a catch-up through it costs the engine, the store, the validator, the weigher and the executor only.
/// The answers are the objects the real client built, CIDs already computed, as the real client hands them over.
/// A <paramref name="messagesLatency"/> makes every message request wait that long (Task.Delay) first: a fetch that
/// costs no CPU, for testing the overlap of fetching and executing alone.
/// </summary>
/// <remarks>
/// A message request the real run never made (it found that segment in its store, which for empty blocks depends on
/// how far the execute loop had got) is answered by <paramref name="fallback"/> and counted.
/// </remarks>
internal sealed class ReplayExchange(
    ExchangeRecording recording, Func<IReadOnlyList<TipSet>, IReadOnlyList<FullTipSet>> fallback, TimeSpan messagesLatency = default) : IChainExchange
{
    private int _fallbacks;

    public int Fallbacks => Volatile.Read(ref _fallbacks);

    public Task<IReadOnlyList<TipSet>> GetBlocksAsync(TipSetKey head, int count, CancellationToken cancellationToken) =>
        recording.Blocks.TryGetValue((head, count), out IReadOnlyList<TipSet>? answer)
            ? Task.FromResult(answer)
            : throw new InvalidOperationException($"no recorded answer for {count} headers from {head}");

    public Task<IReadOnlyList<FullTipSet>> GetChainMessagesAsync(IReadOnlyList<TipSet> tipsets, CancellationToken cancellationToken) =>
        messagesLatency > TimeSpan.Zero ? DelayedAsync(tipsets, cancellationToken) : Answer(tipsets);

    private async Task<IReadOnlyList<FullTipSet>> DelayedAsync(IReadOnlyList<TipSet> tipsets, CancellationToken cancellationToken)
    {
        await Task.Delay(messagesLatency, cancellationToken).ConfigureAwait(false);
        return await Answer(tipsets).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<FullTipSet>> Answer(IReadOnlyList<TipSet> tipsets)
    {
        if (recording.Messages.TryGetValue((tipsets[0].Key, tipsets.Count), out IReadOnlyList<FullTipSet>? answer))
        {
            return Task.FromResult(answer);
        }

        Interlocked.Increment(ref _fallbacks);
        return Task.FromResult(fallback(tipsets));
    }

    public Task<FullTipSet> GetFullTipSetAsync(IReadOnlyList<PeerId> peers, TipSetKey key, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a catch-up from genesis does not ask for single full tipsets");

    public void AddPeer(PeerId peer)
    {
    }

    public void RemovePeer(PeerId peer)
    {
    }
}
