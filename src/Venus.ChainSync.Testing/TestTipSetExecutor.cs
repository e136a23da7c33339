using System.Collections.Concurrent;
using Venus.ChainSync.Primitives;
using Venus.ChainSync.Primitives.Cbor;

namespace Venus.ChainSync.Testing;

/// <summary>
/// A deterministic stand-in for the FVM: the state a tipset produces is a hash of its parent state, its key and the
/// messages it applies, so a chain built by <see cref="ChainBuilder"/> verifies link by link and any change to a
/// message changes every later state root.
/// </summary>
/// <remarks>
/// <para><b>The rule</b> (<see cref="Compute"/>). Messages apply in Lotus's order: block by block in tipset order, each
/// block's BLS messages then its secp messages, a message whose CID was already applied in this tipset skipped (BLS
/// messages by <see cref="Message.Cid"/>, secp ones by <see cref="SignedMessage.Cid"/>). Then the state root is the
/// DAG-CBOR CID of <c>["venus test state", parent state root, tipset key bytes, [message CIDs in order]]</c> and the
/// receipts root the DAG-CBOR CID of <c>["venus test receipts", state root, message count]</c>. Neither is stored
/// anywhere; they are names, not trees.</para>
/// <para><b>Checks.</b> It refuses (with <see cref="ArgumentException"/>) a parent state that is not what the
/// tipset's headers name, since the engine promises never to do that; it throws <see cref="InvalidTipSetException"/>
/// for tipsets marked with <see cref="MarkInvalid"/>.</para>
/// <para><b>Delay.</b> Give a <see cref="TimeProvider"/> and a delay to make every execution take that long on that
/// clock (a <c>FakeTimeProvider</c> lets a test hold executions until it advances time), or a hook that runs before
/// each execution (a test can block it on a <see cref="TaskCompletionSource"/>).</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class TestTipSetExecutor : ITipSetExecutor
{
    private readonly TimeProvider? _timeProvider;
    private readonly TimeSpan _delay;
    private readonly Func<FullTipSet, CancellationToken, ValueTask>? _beforeExecute;
    private readonly ConcurrentDictionary<TipSetKey, string> _invalid = new();
    private readonly ConcurrentQueue<TipSetKey> _executed = new();

    /// <summary>Creates an executor that runs at once.</summary>
    public TestTipSetExecutor()
    {
    }

    /// <summary>Creates an executor whose every execution waits <paramref name="delay"/> on <paramref name="timeProvider"/> first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public TestTipSetExecutor(TimeProvider timeProvider, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _timeProvider = timeProvider;
        _delay = delay;
    }

    /// <summary>Creates an executor that awaits <paramref name="beforeExecute"/> before every execution.</summary>
    public TestTipSetExecutor(Func<FullTipSet, CancellationToken, ValueTask> beforeExecute)
    {
        ArgumentNullException.ThrowIfNull(beforeExecute);
        _beforeExecute = beforeExecute;
    }

    /// <summary>How many executions have completed.</summary>
    public int ExecutedCount => _executed.Count;

    /// <summary>The keys of the tipsets executed so far, in completion order (a copy).</summary>
    public IReadOnlyList<TipSetKey> Executed => [.. _executed];

    /// <summary>Makes executing the tipset with <paramref name="key"/> throw <see cref="InvalidTipSetException"/> with <paramref name="reason"/>.</summary>
    public void MarkInvalid(TipSetKey key, string reason = "the test executor was told this tipset is invalid")
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(reason);
        _invalid[key] = reason;
    }

    /// <inheritdoc/>
    public async ValueTask<TipSetState> ExecuteAsync(FullTipSet tipSet, TipSetState parentState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        cancellationToken.ThrowIfCancellationRequested();
        if (_timeProvider is not null && _delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (_beforeExecute is not null)
        {
            await _beforeExecute(tipSet, cancellationToken).ConfigureAwait(false);
        }

        foreach (FullBlock block in tipSet.Blocks)
        {
            if (block.Header.ParentStateRoot != parentState.StateRoot || block.Header.ParentMessageReceipts != parentState.ReceiptsRoot)
            {
                throw new ArgumentException($"Block {block.Cid} names another parent state than the one given.", nameof(parentState));
            }
        }

        if (_invalid.TryGetValue(tipSet.Key, out string? reason))
        {
            throw new InvalidTipSetException(reason);
        }

        TipSetState state = Compute(tipSet, parentState);
        _executed.Enqueue(tipSet.Key);
        return state;
    }

    /// <summary>The state executing <paramref name="tipSet"/> on <paramref name="parentState"/> produces (the rule in the remarks).</summary>
    public static TipSetState Compute(FullTipSet tipSet, TipSetState parentState)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        IReadOnlyList<Cid> messages = ExecutionOrder(tipSet);
        Cid stateRoot = Cid.ComputeDagCbor(DagCbor.Encode((parentState.StateRoot, Key: tipSet.Key.ToBytes(), messages), static (w, s) =>
        {
            w.WriteArrayHeader(4);
            w.WriteTextString("venus test state");
            w.WriteCid(s.StateRoot);
            w.WriteByteString(s.Key);
            w.WriteArrayHeader(s.messages.Count);
            foreach (Cid message in s.messages)
            {
                w.WriteCid(message);
            }
        }));
        Cid receiptsRoot = Cid.ComputeDagCbor(DagCbor.Encode((stateRoot, Count: (ulong)messages.Count), static (w, s) =>
        {
            w.WriteArrayHeader(3);
            w.WriteTextString("venus test receipts");
            w.WriteCid(s.stateRoot);
            w.WriteUInt64(s.Count);
        }));
        return new TipSetState(stateRoot, receiptsRoot);
    }

    /// <summary>
    /// The CIDs of the messages <paramref name="tipSet"/> applies, in order: per block in tipset order, BLS then secp,
    /// each CID once (its first occurrence).
    /// </summary>
    public static IReadOnlyList<Cid> ExecutionOrder(FullTipSet tipSet)
    {
        ArgumentNullException.ThrowIfNull(tipSet);
        var applied = new HashSet<Cid>();
        var order = new List<Cid>();
        foreach (FullBlock block in tipSet.Blocks)
        {
            foreach (Message message in block.BlsMessages)
            {
                if (applied.Add(message.Cid))
                {
                    order.Add(message.Cid);
                }
            }

            foreach (SignedMessage message in block.SecpkMessages)
            {
                if (applied.Add(message.Cid))
                {
                    order.Add(message.Cid);
                }
            }
        }

        return order;
    }
}
